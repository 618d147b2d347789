package dev.kyoyu.service.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.auth0.jwt.interfaces.ECDSAKeyProvider;
import dev.kyoyu.schemas.identity.Role;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * ES256 bearer tokens. Header {@code kid} names the signing key; claims {@code iss}=kyoyu, {@code sub}=agent id,
 * {@code role}, {@code akid}=API key id, {@code aud}, {@code jti}, {@code iat}, {@code exp}. Verification picks the
 * public key by {@code kid} among {@link TokenKeys#verify()}, so tokens signed by every configured key are accepted,
 * and accepts ES256 only (no {@code none}, no HS256 keyed with a public key).
 */
public final class Tokens {
    public static final String ISSUER = "kyoyu";
    /** No token lives longer, whatever the configuration asks. */
    public static final Duration MAX_LIFETIME = Duration.ofHours(1);
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);
    private static final int REMEMBERED = 4096;
    /** Another replica's clock may run a little ahead: a token issued "in the future" by this much is still fine. */
    private static final long ISSUED_AT_LEEWAY_SECONDS = 30;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;
    /**
     * Tokens verified lately, least recently used first out: an agent sends the same token with every request,
     * and decoding and checking it again was an eighth of query-api's time per request (JFR). Expiry is still
     * checked on every use; a token that fails verification is never remembered.
     */
    private final Map<String, TokenClaims> recent = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TokenClaims> eldest) {
            return size() > REMEMBERED;
        }
    });

    /** A new token, its id and when it expires. */
    public record Issued(String token, String tokenId, Instant expiresAt) {
    }

    /** Why a token is refused before any revocation is consulted. */
    public enum Failure {
        /** Correctly signed, but past its {@code exp}. */
        EXPIRED,
        /** Malformed, forged, signed by an unknown key or algorithm, or missing a claim. */
        INVALID
    }

    /** Either the token's claims or why it was refused. */
    public record Verification(Optional<TokenClaims> claims, Optional<Failure> failure) {
        static Verification of(TokenClaims claims) {
            return new Verification(Optional.of(claims), Optional.empty());
        }

        static Verification refused(Failure failure) {
            return new Verification(Optional.empty(), Optional.of(failure));
        }
    }

    private Tokens(TokenKeys keys, Duration lifetime, Clock clock) {
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("token lifetime " + lifetime + " is outside (0, " + MAX_LIFETIME + "]");
        }
        this.algorithm = Algorithm.ECDSA256(new KeyProvider(keys));
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withClaimPresence("sub")
                .withClaimPresence("jti")
                .withClaimPresence("role")
                .withClaimPresence("akid")
                .withClaimPresence("aud")
                .withClaimPresence("iat")
                .withClaimPresence("exp")
                .acceptIssuedAt(ISSUED_AT_LEEWAY_SECONDS))
                .build(clock);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** Issues and verifies; a token lives {@code lifetime} unless its request asks for less. */
    public static Tokens issuing(TokenKeys keys, Duration lifetime, Clock clock) {
        if (keys.signing().isEmpty()) {
            throw new IllegalArgumentException("issuing tokens needs a signing key");
        }
        return new Tokens(keys, lifetime, clock);
    }

    /** Verifies only. */
    public static Tokens verifying(TokenKeys keys, Clock clock) {
        return new Tokens(keys, MAX_LIFETIME, clock);
    }

    /** The lifetime of a token whose request names none, and the longest one may ask for. */
    public Duration lifetime() {
        return lifetime;
    }

    /** The audiences a token gets when its request names none: a reader writes nothing, so it gets query only. */
    public static Set<Audience> defaultAudiences(Role role) {
        return role.canWrite() ? EnumSet.allOf(Audience.class) : EnumSet.of(Audience.QUERY);
    }

    /**
     * Which audiences a role may have is the issuing route's policy ({@link #defaultAudiences}); the write routes
     * refuse a reader whatever its token says.
     *
     * @param requestedLifetime how long the client wants the token; empty or longer than {@link #lifetime()} gives
     *                          {@link #lifetime()}
     */
    public Issued issue(String agentId, Role role, String apiKeyId, Set<Audience> audiences, Optional<Duration> requestedLifetime) {
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one audience");
        }
        Duration life = requestedLifetime.filter(d -> d.compareTo(lifetime) < 0).orElse(lifetime);
        if (life.isNegative() || life.isZero()) {
            throw new IllegalArgumentException("token lifetime must be positive");
        }
        // JWT times are whole seconds; truncating here keeps expires_at equal to the token's exp.
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = now.plus(life);
        String tokenId = UUID.randomUUID().toString();
        String token = JWT.create()
                .withIssuer(ISSUER)
                .withSubject(agentId)
                .withClaim("role", role.wireName())
                .withClaim("akid", apiKeyId)
                .withAudience(audiences.stream().sorted().map(Audience::claim).toArray(String[]::new))
                .withJWTId(tokenId)
                .withIssuedAt(now)
                .withExpiresAt(expiresAt)
                .sign(algorithm);
        return new Issued(token, tokenId, expiresAt);
    }

    public Issued issue(String agentId, Role role, String apiKeyId, Set<Audience> audiences) {
        return issue(agentId, role, apiKeyId, audiences, Optional.empty());
    }

    /** The claims, or empty when the token is forged, malformed, expired or signed by a key not configured here. */
    public Optional<TokenClaims> verify(String token) {
        return check(token).claims();
    }

    /** Like {@link #verify} and says why a token is refused. */
    public Verification check(String token) {
        TokenClaims known = recent.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.expiresAt())) {
                return Verification.of(known);
            }
            recent.remove(token);
            return Verification.refused(Failure.EXPIRED);
        }
        DecodedJWT jwt;
        try {
            jwt = verifier.verify(token);
        } catch (TokenExpiredException e) {
            return Verification.refused(Failure.EXPIRED);
        } catch (JWTVerificationException e) {
            return Verification.refused(Failure.INVALID);
        }
        Optional<TokenClaims> claims = claims(jwt);
        claims.ifPresent(c -> recent.put(token, c));
        return claims.map(Verification::of).orElseGet(() -> Verification.refused(Failure.INVALID));
    }

    /** Signed by us but not in our shape (an unknown role, no audience of ours, empty ids): refused all the same. */
    private static Optional<TokenClaims> claims(DecodedJWT jwt) {
        String agentId = jwt.getSubject();
        String tokenId = jwt.getId();
        String apiKeyId = jwt.getClaim("akid").asString();
        Optional<Role> role = Role.parse(jwt.getClaim("role").asString());
        List<String> audienceClaims = jwt.getAudience() == null ? List.of() : jwt.getAudience();
        Set<Audience> audiences = EnumSet.noneOf(Audience.class);
        audienceClaims.forEach(claim -> Audience.ofClaim(claim).ifPresent(audiences::add));
        if (!AgentIds.isValid(agentId) || tokenId == null || tokenId.isBlank() || apiKeyId == null || apiKeyId.isBlank()
                || role.isEmpty() || audiences.isEmpty() || jwt.getKeyId() == null
                // java-jwt's presence check passes a claim that is there but null; no token lives for ever.
                || jwt.getExpiresAtAsInstant() == null || jwt.getIssuedAtAsInstant() == null) {
            return Optional.empty();
        }
        return Optional.of(new TokenClaims(tokenId, agentId, role.get(), apiKeyId, jwt.getKeyId(), audiences,
                jwt.getIssuedAtAsInstant(), jwt.getExpiresAtAsInstant()));
    }

    /** Signs with the one signing key; verifies with the public key the token's {@code kid} names, if any. */
    private record KeyProvider(TokenKeys keys) implements ECDSAKeyProvider {
        @Override
        public ECPublicKey getPublicKeyById(String keyId) {
            return keyId == null ? null : keys.verify().get(keyId);
        }

        @Override
        public ECPrivateKey getPrivateKey() {
            return keys.signing().map(TokenKeys.SigningKey::privateKey).orElse(null);
        }

        @Override
        public String getPrivateKeyId() {
            return keys.signing().map(TokenKeys.SigningKey::keyId).orElse(null);
        }

        @Override
        public String toString() {
            return "KeyProvider[kids=" + keys.verify().keySet() + "]";
        }
    }
}
