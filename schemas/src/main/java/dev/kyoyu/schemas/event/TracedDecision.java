package dev.kyoyu.schemas.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A whole decision as {@code POST /v1/trace} records it: the payload of a {@code DecisionTraced}
 * event, from which the sink writes {@code decisions}, {@code alternatives} and {@code evidence}.
 *
 * @param validFrom when the decision took effect (bi-temporal valid time); defaults to the event's occurred_at
 */
public record TracedDecision(
        UUID id,
        String decisionType,
        String outcome,
        Double confidence,
        String reasoning,
        ObjectNode metadata,
        Instant validFrom,
        List<Alternative> alternatives,
        List<Evidence> evidence) {

    public TracedDecision {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(decisionType, "decisionType");
        Objects.requireNonNull(outcome, "outcome");
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /** An option that was weighed; {@code selected} marks the one taken. */
    public record Alternative(String label, Double score, boolean selected, String rejectionReason) {
    }

    /** What the decision rested on. */
    public record Evidence(String sourceType, String sourceUri, String content, Double relevanceScore) {
    }
}
