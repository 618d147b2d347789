package dev.kyoyu.service.auth;

import dev.kyoyu.schemas.identity.Role;
import java.time.Instant;
import java.util.Set;

/**
 * What a verified token says: who, in which role, from which API key, signed with which key, for which APIs, and
 * when. The signature and expiry are already checked when one of these exists; {@link Revocations} decides the rest.
 *
 * @param tokenId      the token's {@code jti}: names it in logs and audit
 * @param apiKeyId     the API key the token was traded for
 * @param signingKeyId the {@code kid} of the key that signed it
 * @param audiences    the APIs it may be used on ({@link Audience})
 */
public record TokenClaims(String tokenId, String agentId, Role role, String apiKeyId, String signingKeyId,
                          Set<Audience> audiences, Instant issuedAt, Instant expiresAt) {

    public TokenClaims {
        audiences = Set.copyOf(audiences);
    }

    public Caller caller() {
        return new Caller(agentId, role);
    }
}
