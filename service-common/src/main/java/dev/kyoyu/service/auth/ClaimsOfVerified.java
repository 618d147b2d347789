package dev.kyoyu.service.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import dev.kyoyu.schemas.identity.Role;
import java.util.Set;

/**
 * The claims of a token {@link Tokens} has already verified, for {@link Revocations}. Bridges today's tokens (an
 * {@code admin} flag, no key id) and the identity tokens ({@code role}, {@code akid}, {@code jti}, {@code kid}).
 */
final class ClaimsOfVerified {
    private ClaimsOfVerified() {
    }

    static TokenClaims of(String verifiedToken) {
        DecodedJWT jwt = JWT.decode(verifiedToken);
        String roleName = jwt.getClaim("role").asString();
        Role role = roleName != null ? Role.parse(roleName).orElse(Role.AGENT)
                : Boolean.TRUE.equals(jwt.getClaim("admin").asBoolean()) ? Role.ADMIN : Role.AGENT;
        return new TokenClaims(jwt.getId(), jwt.getSubject(), role, jwt.getClaim("akid").asString(), jwt.getKeyId(),
                Set.of(), jwt.getIssuedAtAsInstant(), jwt.getExpiresAtAsInstant());
    }
}
