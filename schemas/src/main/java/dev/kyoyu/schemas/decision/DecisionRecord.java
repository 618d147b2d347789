package dev.kyoyu.schemas.decision;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.TracedDecision;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A complete decision as the decision stream publishes it to {@code kyoyu.decisions.v1} (keyed by
 * {@code decision_type}), and as the sink stores it in {@code decisions}, {@code alternatives} and {@code evidence}.
 *
 * @param validFrom     when the decision took effect: the payload's {@code valid_from}, else the occurred_at of the
 *                      event that completed it
 * @param validTo       always null when published: a decision is closed by a later record that {@code revises} it
 * @param revises       the decision this one replaces, or null; the replaced one stops being valid at this one's
 *                      {@code validFrom}
 * @param sourceEventId the event that completed the decision (DecisionTraced, DecisionMade or DecisionRevised)
 */
public record DecisionRecord(
        UUID id,
        UUID runId,
        String agentId,
        String decisionType,
        String outcome,
        Double confidence,
        String reasoning,
        ObjectNode metadata,
        Instant validFrom,
        Instant validTo,
        UUID revises,
        List<TracedDecision.Alternative> alternatives,
        List<TracedDecision.Evidence> evidence,
        UUID sourceEventId) {

    public DecisionRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(decisionType, "decisionType");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        metadata = metadata == null ? EventJson.MAPPER.createObjectNode() : metadata;
        alternatives = alternatives == null ? List.of() : List.copyOf(alternatives);
        evidence = evidence == null ? List.of() : List.copyOf(evidence);
    }

    /** The decision in the shape the sink's row writer and {@code /v1/trace} share. */
    public TracedDecision asTraced() {
        return new TracedDecision(id, decisionType, outcome, confidence, reasoning, metadata, validFrom, alternatives, evidence);
    }

    public byte[] toBytes() {
        try {
            return EventJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a DecisionRecord always serializes", e);
        }
    }

    /** Reads a record value of {@code kyoyu.decisions.v1}; throws for anything that is not a whole decision. */
    public static DecisionRecord fromBytes(byte[] value) throws IOException {
        if (value == null) {
            throw new IOException("record has no value");
        }
        return EventJson.MAPPER.readValue(value, DecisionRecord.class);
    }
}
