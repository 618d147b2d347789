package dev.kyoyu.schemas.identity;

import java.time.Instant;

/**
 * An identity. A token issued before {@code tokensNotBefore} is refused (set on revocation and on a role change),
 * and every token of a revoked agent is refused.
 *
 * @param updatedBy the admin whose action wrote this state
 */
public record AgentRecord(String agentId, Role role, boolean revoked, Instant createdAt, Instant tokensNotBefore,
                          Instant updatedAt, String updatedBy) implements IdentityRecord {

    @Override
    public String topicKey() {
        return "agent/" + agentId;
    }
}
