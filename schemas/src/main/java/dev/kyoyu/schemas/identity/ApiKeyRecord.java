package dev.kyoyu.schemas.identity;

import java.time.Instant;

/**
 * One API key of an agent, as its hash only (the key itself is shown once, when made). A key is usable while
 * not revoked and before {@code expiresAt} (set when the agent's key is rotated: the overlap in which the old
 * key still works). Tokens minted from a key carry its id, so revoking the key refuses them too.
 *
 * @param sha256 lowercase hex SHA-256 of the whole key text
 */
public record ApiKeyRecord(String keyId, String agentId, String sha256, Instant createdAt, Instant expiresAt,
                           Instant revokedAt) implements IdentityRecord {

    @Override
    public String topicKey() {
        return "key/" + keyId;
    }

    public boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
