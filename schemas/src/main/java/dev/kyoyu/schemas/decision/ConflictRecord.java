package dev.kyoyu.schemas.decision;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Two agents decided the same {@code decision_type} differently, close together in time, and neither decision
 * has been revised since: published to {@code kyoyu.conflicts.v1} (keyed by {@code decision_type}) and stored
 * in {@code conflicts}. Decision a is the one that took effect first.
 *
 * @param detectedAt when the decision stream noticed it
 */
public record ConflictRecord(
        UUID id,
        String decisionType,
        @JsonProperty("decision_a_id") UUID decisionAId,
        @JsonProperty("decision_b_id") UUID decisionBId,
        @JsonProperty("agent_a_id") String agentAId,
        @JsonProperty("agent_b_id") String agentBId,
        String outcomeA,
        String outcomeB,
        Instant detectedAt) {

    private static final NameBasedGenerator IDS =
            Generators.nameBasedGenerator(UUID.fromString("c0a1f1c7-7d3e-4b8e-9f1a-636f6e666c69"));

    public ConflictRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(decisionType, "decisionType");
        Objects.requireNonNull(decisionAId, "decisionAId");
        Objects.requireNonNull(decisionBId, "decisionBId");
        Objects.requireNonNull(agentAId, "agentAId");
        Objects.requireNonNull(agentBId, "agentBId");
        Objects.requireNonNull(outcomeA, "outcomeA");
        Objects.requireNonNull(outcomeB, "outcomeB");
        Objects.requireNonNull(detectedAt, "detectedAt");
    }

    /**
     * The conflict's id, from the two decision ids in either order: detecting the same pair again (a reprocessed
     * topic, a second detector) yields the same id, and the sink stores it once.
     */
    public static UUID idFor(UUID one, UUID other) {
        boolean ordered = one.toString().compareTo(other.toString()) <= 0;
        return IDS.generate((ordered ? one : other) + "/" + (ordered ? other : one));
    }

    public byte[] toBytes() {
        try {
            return EventJson.MAPPER.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("a ConflictRecord always serializes", e);
        }
    }

    public static ConflictRecord fromBytes(byte[] value) throws IOException {
        if (value == null) {
            throw new IOException("record has no value");
        }
        return EventJson.MAPPER.readValue(value, ConflictRecord.class);
    }
}
