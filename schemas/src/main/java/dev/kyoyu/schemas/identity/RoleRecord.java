package dev.kyoyu.schemas.identity;

import java.time.Instant;

/** Revoking a role: every token of that role issued before {@code tokensNotBefore} is refused. */
public record RoleRecord(Role role, Instant tokensNotBefore, Instant updatedAt, String updatedBy) implements IdentityRecord {

    @Override
    public String topicKey() {
        return "role/" + role.wireName();
    }
}
