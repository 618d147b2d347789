package dev.kyoyu.stream.conflicts;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * A decision as conflict detection remembers it.
 *
 * @param seenAt  when the detector stored it (wall clock); it is forgotten after the retention
 * @param revised whether a revision has replaced it; a revised decision conflicts with nothing any more
 */
public record Candidate(UUID id, String decisionType, String agentId, String outcome, Instant validFrom, Instant seenAt,
                        boolean revised) {

    Candidate markRevised() {
        return new Candidate(id, decisionType, agentId, outcome, validFrom, seenAt, true);
    }

    /** Outcomes are compared trimmed and case-insensitively: "Approve" and "approve " agree. */
    boolean disagreesWith(Candidate other) {
        return !normalized(outcome).equals(normalized(other.outcome));
    }

    private static String normalized(String outcome) {
        return outcome.strip().toLowerCase(Locale.ROOT);
    }
}
