package dev.kyoyu.schemas.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One event of an agent's run, as the ingest API publishes it to {@code kyoyu.events.v1}
 * (keyed by agent id) and the sink stores it in {@code agent_events}.
 *
 * @param receivedAt when the ingest API accepted it; {@code occurredAt} defaults to it
 * @param idOrigin   who chose the id; absent in a record from another producer, which then counts
 *                   as client-chosen (the safe reading: the sink checks it for an earlier copy)
 */
public record AgentEvent(
        UUID id,
        UUID runId,
        String agentId,
        String eventType,
        Instant occurredAt,
        Instant receivedAt,
        ObjectNode payload,
        IdOrigin idOrigin) {

    public AgentEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(receivedAt, "receivedAt");
        Objects.requireNonNull(payload, "payload");
        if (idOrigin == null) {
            idOrigin = IdOrigin.CLIENT;
        }
    }

    /** An event whose id the server generated (UUIDv7). */
    public AgentEvent(UUID id, UUID runId, String agentId, String eventType, Instant occurredAt, Instant receivedAt, ObjectNode payload) {
        this(id, runId, agentId, eventType, occurredAt, receivedAt, payload, IdOrigin.SERVER);
    }
}
