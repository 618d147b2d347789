package dev.kyoyu.schemas.identity;

import java.time.Instant;

/**
 * The grantee may read the owner's data until {@code expiresAt} (null: until withdrawn). A withdrawn grant stays a
 * record with {@code withdrawnAt} set.
 */
public record GrantRecord(String granteeAgentId, String ownerAgentId, Instant grantedAt, Instant expiresAt,
                          Instant withdrawnAt, String updatedBy) implements IdentityRecord {

    @Override
    public String topicKey() {
        return "grant/" + granteeAgentId + "/" + ownerAgentId;
    }

    public boolean activeAt(Instant now) {
        return withdrawnAt == null && (expiresAt == null || now.isBefore(expiresAt));
    }
}
