package dev.kyoyu.service.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.kyoyu.schemas.identity.Role;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** ES256 tokens: what is accepted, what is refused and why, with keys generated per test run. */
class TokensTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final Set<Audience> BOTH = Set.of(Audience.INGEST, Audience.QUERY);
    private static final Pair OLD = Pair.generate("old");
    private static final Pair NEW = Pair.generate("new");

    private record Pair(String kid, ECPrivateKey privateKey, ECPublicKey publicKey) {
        static Pair generate(String kid) {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
                KeyPair pair = generator.generateKeyPair();
                return new Pair(kid, (ECPrivateKey) pair.getPrivate(), (ECPublicKey) pair.getPublic());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        TokenKeys signingWith(Pair... verify) {
            return new TokenKeys(Optional.of(new TokenKeys.SigningKey(kid, privateKey)), verifyMap(verify));
        }
    }

    private static Map<String, ECPublicKey> verifyMap(Pair... pairs) {
        return java.util.Arrays.stream(pairs).collect(java.util.stream.Collectors.toMap(Pair::kid, Pair::publicKey));
    }

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static Tokens issuer(Pair signing, Clock clock) {
        return Tokens.issuing(signing.signingWith(signing), Duration.ofMinutes(5), clock);
    }

    private static Tokens verifier(Clock clock, Pair... trusted) {
        return Tokens.verifying(new TokenKeys(Optional.empty(), verifyMap(trusted)), clock);
    }

    private static Clock fixed() {
        return Clock.fixed(NOW, ZoneOffset.UTC);
    }

    /** A token shaped like ours, built claim by claim, so a test can leave one out or get one wrong. */
    private static com.auth0.jwt.JWTCreator.Builder complete() {
        return JWT.create()
                .withKeyId(OLD.kid())
                .withIssuer("kyoyu")
                .withSubject("agent-a")
                .withClaim("role", "agent")
                .withClaim("akid", "key-1")
                .withAudience("kyoyu-ingest")
                .withJWTId("jti-1")
                .withIssuedAt(Date.from(NOW))
                .withExpiresAt(Date.from(NOW.plusSeconds(60)));
    }

    private static String signedByOld(com.auth0.jwt.JWTCreator.Builder builder) {
        return builder.sign(Algorithm.ECDSA256(OLD.publicKey(), OLD.privateKey()));
    }

    @Test
    void anIssuedTokenVerifiesWithEveryClaim() {
        Tokens tokens = issuer(OLD, fixed());
        Tokens.Issued issued = tokens.issue("agent-a", Role.READER, "key-7", Set.of(Audience.QUERY));
        assertEquals(NOW.plus(Duration.ofMinutes(5)), issued.expiresAt());

        TokenClaims claims = verifier(fixed(), OLD).verify(issued.token()).orElseThrow();
        assertEquals("agent-a", claims.agentId());
        assertEquals(Role.READER, claims.role());
        assertEquals("key-7", claims.apiKeyId());
        assertEquals("old", claims.signingKeyId());
        assertEquals(Set.of(Audience.QUERY), claims.audiences());
        assertEquals(issued.tokenId(), claims.tokenId());
        assertEquals(NOW, claims.issuedAt());
        assertEquals(issued.expiresAt(), claims.expiresAt());
        assertEquals("ES256", JWT.decode(issued.token()).getAlgorithm());
        assertNotEquals(issued.tokenId(), tokens.issue("agent-a", Role.READER, "key-7", Set.of(Audience.QUERY)).tokenId(),
                "every token has its own id");
    }

    @Test
    void aTokenIsExpiredOnceItsLifetimeHasPassedEvenWhenRemembered() {
        MovingClock clock = new MovingClock(NOW);
        Tokens tokens = issuer(OLD, clock);
        String token = tokens.issue("agent-a", Role.AGENT, "key-1", BOTH).token();
        assertTrue(tokens.verify(token).isPresent());
        clock.advance(Duration.ofMinutes(5).minusSeconds(1));
        assertTrue(tokens.verify(token).isPresent());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.of(Tokens.Failure.EXPIRED), tokens.check(token).failure());

        Tokens fresh = verifier(clock, OLD);
        assertEquals(Optional.of(Tokens.Failure.EXPIRED), fresh.check(token).failure(), "not remembered: decoded and refused");
    }

    @Test
    void aForgedSignatureOrPayloadIsRefused() {
        String token = issuer(OLD, fixed()).issue("agent-a", Role.AGENT, "key-1", BOTH).token();
        String[] parts = token.split("\\.");
        String adminPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("\"role\":\"agent\"", "\"role\":\"admin\"").getBytes(StandardCharsets.UTF_8));
        assertTrue(new String(Base64.getUrlDecoder().decode(adminPayload), StandardCharsets.UTF_8).contains("\"admin\""));
        Tokens verifier = verifier(fixed(), OLD);
        assertEquals(Optional.of(Tokens.Failure.INVALID), verifier.check(parts[0] + "." + adminPayload + "." + parts[2]).failure());

        char last = parts[2].charAt(10);
        String flipped = parts[2].substring(0, 10) + (last == 'A' ? 'B' : 'A') + parts[2].substring(11);
        assertEquals(Optional.of(Tokens.Failure.INVALID), verifier.check(parts[0] + "." + parts[1] + "." + flipped).failure());
        assertEquals(Optional.of(Tokens.Failure.INVALID), verifier.check("not.a.token").failure());
        assertEquals(Optional.of(Tokens.Failure.INVALID), verifier.check("").failure());
    }

    @Test
    void aTokenSignedByAKeyNotInTheVerifySetIsRefused() {
        String unknownKid = issuer(NEW, fixed()).issue("agent-a", Role.AGENT, "key-1", BOTH).token();
        assertTrue(verifier(fixed(), OLD).verify(unknownKid).isEmpty(), "kid 'new' is not trusted");

        // Claims to be signed by a trusted kid, but signed with another private key.
        String impostor = complete().withKeyId(OLD.kid()).sign(Algorithm.ECDSA256(NEW.publicKey(), NEW.privateKey()));
        assertTrue(verifier(fixed(), OLD).verify(impostor).isEmpty());
        // No kid at all.
        String anonymous = JWT.create().withIssuer("kyoyu").withSubject("agent-a").withClaim("role", "agent")
                .withClaim("akid", "key-1").withAudience("kyoyu-ingest").withJWTId("j").withIssuedAt(Date.from(NOW))
                .withExpiresAt(Date.from(NOW.plusSeconds(60))).sign(Algorithm.ECDSA256(OLD.publicKey(), OLD.privateKey()));
        assertTrue(verifier(fixed(), OLD).verify(anonymous).isEmpty());
    }

    @Test
    void algorithmNoneAndHs256KeyedWithThePublicKeyAreRefused() {
        Tokens verifier = verifier(fixed(), OLD);
        assertTrue(verifier.verify(signedByOld(complete())).isPresent(), "the well-formed token itself is accepted");

        assertTrue(verifier.verify(complete().sign(Algorithm.none())).isEmpty(), "alg none");
        byte[] publicDer = OLD.publicKey().getEncoded();
        assertTrue(verifier.verify(complete().sign(Algorithm.HMAC256(publicDer))).isEmpty(), "HS256 keyed with the public DER");
        assertTrue(verifier.verify(complete().sign(Algorithm.HMAC256(Base64.getEncoder().encodeToString(publicDer)))).isEmpty(),
                "HS256 keyed with the public key's base64 text");
        assertTrue(verifier.verify(complete().sign(Algorithm.ECDSA384(Pair384.KEY.publicKey(), Pair384.KEY.privateKey()))).isEmpty(),
                "ES384");
    }

    /** A P-384 key: another ECDSA algorithm the verifier must not accept either. */
    private record Pair384(ECPublicKey publicKey, ECPrivateKey privateKey) {
        static final Pair384 KEY = generate();

        static Pair384 generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp384r1"));
                KeyPair pair = generator.generateKeyPair();
                return new Pair384((ECPublicKey) pair.getPublic(), (ECPrivateKey) pair.getPrivate());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aTokenMissingAnyOfOurClaimsOrFromAnotherIssuerIsRefused() {
        Tokens verifier = verifier(fixed(), OLD);
        Map<String, com.auth0.jwt.JWTCreator.Builder> broken = Map.of(
                "no jti", complete().withJWTId(null),
                "no role", complete().withClaim("role", (String) null),
                "unknown role", complete().withClaim("role", "root"),
                "no akid", complete().withClaim("akid", (String) null),
                "no aud", complete().withAudience((String[]) null),
                "only a foreign aud", complete().withAudience("someone-else"),
                "another issuer", complete().withIssuer("not-kyoyu"),
                "a null exp", complete().withExpiresAt((Date) null),
                "a null iat", complete().withIssuedAt((Date) null),
                "no subject", complete().withSubject(null));
        broken.forEach((what, builder) -> assertTrue(verifier.verify(signedByOld(builder)).isEmpty(), what));
    }

    @Test
    void tokensOfEveryConfiguredKeyAreAcceptedAndTheRemovedKeysAreNot() {
        String oldToken = issuer(OLD, fixed()).issue("agent-a", Role.AGENT, "key-1", BOTH).token();
        String newToken = Tokens.issuing(NEW.signingWith(NEW, OLD), Duration.ofMinutes(5), fixed())
                .issue("agent-a", Role.AGENT, "key-1", BOTH).token();
        Tokens both = verifier(fixed(), OLD, NEW);
        assertEquals("old", both.verify(oldToken).orElseThrow().signingKeyId());
        assertEquals("new", both.verify(newToken).orElseThrow().signingKeyId());

        Tokens newOnly = verifier(fixed(), NEW);
        assertTrue(newOnly.verify(newToken).isPresent());
        assertTrue(newOnly.verify(oldToken).isEmpty(), "the old key was removed");
    }

    @Test
    void aRequestedShorterLifetimeIsHonouredAndNoTokenOutlivesTheConfiguredOne() {
        Tokens tokens = issuer(OLD, fixed());
        assertEquals(NOW.plusSeconds(30), tokens.issue("a", Role.AGENT, "k", BOTH, Optional.of(Duration.ofSeconds(30))).expiresAt());
        assertEquals(NOW.plus(Duration.ofMinutes(5)), tokens.issue("a", Role.AGENT, "k", BOTH, Optional.of(Duration.ofHours(2))).expiresAt());
        assertThrows(IllegalArgumentException.class, () -> tokens.issue("a", Role.AGENT, "k", BOTH, Optional.of(Duration.ZERO)));

        assertEquals(Duration.ofHours(1), Tokens.MAX_LIFETIME);
        assertThrows(IllegalArgumentException.class,
                () -> Tokens.issuing(OLD.signingWith(OLD), Tokens.MAX_LIFETIME.plusSeconds(1), fixed()));
        Tokens longest = Tokens.issuing(OLD.signingWith(OLD), Tokens.MAX_LIFETIME, fixed());
        assertEquals(NOW.plus(Duration.ofHours(1)), longest.issue("a", Role.AGENT, "k", BOTH).expiresAt());
    }

    @Test
    void aReaderGetsOnlyTheQueryAudienceByDefaultAndEveryTokenHasOne() {
        assertEquals(Set.of(Audience.QUERY), Tokens.defaultAudiences(Role.READER));
        assertEquals(BOTH, Tokens.defaultAudiences(Role.AGENT));
        assertEquals(BOTH, Tokens.defaultAudiences(Role.ADMIN));
        Tokens tokens = issuer(OLD, fixed());
        assertThrows(IllegalArgumentException.class, () -> tokens.issue("a", Role.AGENT, "k", Set.of()));
    }

    @Test
    void aVerifyOnlyProcessCannotIssue() {
        assertThrows(IllegalArgumentException.class, () -> Tokens.issuing(
                new TokenKeys(Optional.empty(), verifyMap(OLD)), Duration.ofMinutes(5), fixed()));
    }

    @Test
    void theSigningKeyNeverPrints() {
        TokenKeys keys = OLD.signingWith(OLD);
        String encoded = Base64.getEncoder().encodeToString(OLD.privateKey().getEncoded());
        assertFalse(keys.toString().contains(encoded.substring(40, 80)), keys.toString());
        assertTrue(keys.signing().orElseThrow().toString().contains("[REDACTED]"));
    }
}
