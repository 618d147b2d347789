package dev.kyoyu.stream.assembly;

import java.time.Instant;
import java.util.UUID;

/**
 * What the assembler remembers of a published decision: enough to refuse a second decision with the same id
 * and to check a revision (same agent, not yet revised, not taking effect earlier).
 *
 * @param revisedBy the decision that replaced this one, or null while it is current
 */
public record KnownDecision(UUID id, String agentId, String decisionType, Instant validFrom, UUID revisedBy) {
    KnownDecision revisedBy(UUID revision) {
        return new KnownDecision(id, agentId, decisionType, validFrom, revision);
    }
}
