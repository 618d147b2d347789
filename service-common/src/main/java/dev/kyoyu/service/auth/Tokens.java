package dev.kyoyu.service.auth;

import dev.kyoyu.schemas.identity.Role;
import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** HS256 bearer tokens: subject = agent id, claim {@code admin}. Both APIs verify with the same secret. */
public final class Tokens {
    private static final String ISSUER = "kyoyu";
    private static final int REMEMBERED = 4096;

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;
    /**
     * Tokens verified lately, least recently used first out: an agent sends the same token with every request,
     * and decoding and checking it again was an eighth of query-api's time per request (JFR). Expiry is still
     * checked on every use; a token that fails verification is never remembered.
     */
    private final Map<String, Verified> recent = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Verified> eldest) {
            return size() > REMEMBERED;
        }
    });

    private record Verified(Caller caller, Instant expiresAt) {
    }

    public record Issued(String token, Instant expiresAt) {
    }

    public Tokens(Secret signingSecret, Duration lifetime, Clock clock) {
        this.algorithm = Algorithm.HMAC256(signingSecret.bytes());
        this.verifier = ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                .withIssuer(ISSUER)
                .withClaimPresence("exp"))
                .build(clock);
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public Issued issue(Caller caller) {
        Instant now = clock.instant();
        Instant expiresAt = now.plus(lifetime);
        String token = JWT.create()
                .withIssuer(ISSUER)
                .withSubject(caller.agentId())
                .withClaim("admin", caller.admin())
                .withIssuedAt(now)
                .withExpiresAt(expiresAt)
                .sign(algorithm);
        return new Issued(token, expiresAt);
    }

    /** The caller, or empty when the token is forged, malformed or expired. */
    public Optional<Caller> verify(String token) {
        Verified known = recent.get(token);
        if (known != null) {
            if (clock.instant().isBefore(known.expiresAt())) {
                return Optional.of(known.caller());
            }
            recent.remove(token);
            return Optional.empty();
        }
        try {
            DecodedJWT jwt = verifier.verify(token);
            Boolean admin = jwt.getClaim("admin").asBoolean();
            Caller caller = new Caller(jwt.getSubject(), Boolean.TRUE.equals(admin) ? Role.ADMIN : Role.AGENT);
            recent.put(token, new Verified(caller, jwt.getExpiresAtAsInstant()));
            return Optional.of(caller);
        } catch (JWTVerificationException e) {
            return Optional.empty();
        }
    }
}
