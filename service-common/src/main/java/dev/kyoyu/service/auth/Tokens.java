package dev.kyoyu.service.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** HS256 bearer tokens: subject = agent id, claim {@code admin}. Both APIs verify with the same secret. */
public final class Tokens {
    private static final String ISSUER = "kyoyu";

    private final Algorithm algorithm;
    private final JWTVerifier verifier;
    private final Duration lifetime;
    private final Clock clock;

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
        try {
            DecodedJWT jwt = verifier.verify(token);
            Boolean admin = jwt.getClaim("admin").asBoolean();
            return Optional.of(new Caller(jwt.getSubject(), Boolean.TRUE.equals(admin)));
        } catch (JWTVerificationException e) {
            return Optional.empty();
        }
    }
}
