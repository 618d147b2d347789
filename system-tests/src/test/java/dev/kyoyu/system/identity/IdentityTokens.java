package dev.kyoyu.system.identity;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import dev.kyoyu.schemas.identity.Role;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Mints tokens the APIs accept, with the claims revocation is judged by (role, API key id, issue time), signed
 * with the secret the services under test were given. Stands in for test-support's token helper.
 */
record IdentityTokens(String signingSecret) {

    String token(String agentId, Role role, String apiKeyId, Instant issuedAt) {
        return JWT.create()
                .withIssuer("kyoyu")
                .withSubject(agentId)
                .withJWTId(UUID.randomUUID().toString())
                .withClaim("role", role.wireName())
                .withClaim("admin", role == Role.ADMIN)
                .withClaim("akid", apiKeyId)
                .withIssuedAt(issuedAt)
                .withExpiresAt(Instant.now().plus(Duration.ofMinutes(5)))
                .sign(Algorithm.HMAC256(signingSecret.getBytes(StandardCharsets.UTF_8)));
    }

    String token(String agentId, Role role, String apiKeyId) {
        return token(agentId, role, apiKeyId, Instant.now());
    }
}
