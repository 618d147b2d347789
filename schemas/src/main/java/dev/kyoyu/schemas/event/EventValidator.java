package dev.kyoyu.schemas.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionEvents;
import dev.kyoyu.schemas.decision.InvalidDecision;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;

/**
 * Checks one client-sent event and turns it into an {@link AgentEvent}, or says precisely what to fix.
 * Client fields: {@code event_type} (required), {@code occurred_at}, {@code payload}, {@code id}.
 */
public final class EventValidator {
    private static final Set<String> CLIENT_FIELDS = Set.of("event_type", "occurred_at", "payload", "id", "run_id");

    private final EventLimits limits;
    private final Clock clock;

    public EventValidator(EventLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The outcome for one event: exactly one of the two is set. */
    public record Outcome(AgentEvent event, Rejection rejection) {
        public boolean accepted() {
            return event != null;
        }
    }

    /**
     * @param runId   the run the event belongs to (from the path, or the NDJSON line)
     * @param agentId the authenticated caller
     * @param ids     where ids come from when the event brings none
     */
    public Outcome validate(int index, JsonNode node, UUID runId, String agentId, IdAssigner ids) {
        if (!(node instanceof ObjectNode event)) {
            return reject(index, "INVALID_EVENT", null, "event must be a JSON object");
        }
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CLIENT_FIELDS.contains(name)) {
                return reject(index, "UNKNOWN_FIELD", name, "unknown field '" + name + "'; allowed: " + CLIENT_FIELDS);
            }
        }

        JsonNode type = event.get("event_type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            return reject(index, "INVALID_EVENT_TYPE", "event_type", "event_type is required and must be a non-empty string");
        }
        String eventType = type.asText();
        if (!EventTypes.isWellFormed(eventType)) {
            return reject(index, "INVALID_EVENT_TYPE", "event_type",
                    "event_type '" + abbreviate(eventType) + "' must be PascalCase, optionally namespaced (e.g. ToolCalled, acme.RiskScored)");
        }
        if (EventTypes.RESERVED.contains(eventType)) {
            return reject(index, "INVALID_EVENT_TYPE", "event_type",
                    eventType + " is written by Kyoyu's own endpoints; use POST /v1/runs, /v1/runs/{run_id}/complete or /v1/trace");
        }

        Instant receivedAt = clock.instant();
        Instant occurredAt = receivedAt;
        JsonNode occurred = event.get("occurred_at");
        if (occurred != null && !occurred.isNull()) {
            if (!occurred.isTextual()) {
                return reject(index, "INVALID_OCCURRED_AT", "occurred_at", "occurred_at must be an ISO-8601 string with offset, e.g. 2026-01-31T12:00:00Z");
            }
            try {
                occurredAt = OffsetDateTime.parse(occurred.asText()).toInstant();
            } catch (DateTimeException e) {
                return reject(index, "INVALID_OCCURRED_AT", "occurred_at",
                        "occurred_at '" + abbreviate(occurred.asText()) + "' is not an ISO-8601 timestamp with offset, e.g. 2026-01-31T12:00:00Z");
            }
            if (!TimeWindow.contains(occurredAt)) {
                return reject(index, "INVALID_OCCURRED_AT", "occurred_at",
                        "occurred_at " + occurredAt + " is outside the times Kyoyu stores: " + TimeWindow.describe());
            }
            if (occurredAt.isAfter(receivedAt.plus(limits.maxFutureSkew()))) {
                return reject(index, "INVALID_OCCURRED_AT", "occurred_at",
                        "occurred_at " + occurredAt + " is more than " + limits.maxFutureSkew() + " ahead of the server clock");
            }
        }

        ObjectNode payload = EventJson.MAPPER.createObjectNode();
        JsonNode payloadNode = event.get("payload");
        if (payloadNode != null && !payloadNode.isNull()) {
            if (!(payloadNode instanceof ObjectNode object)) {
                return reject(index, "INVALID_PAYLOAD", "payload", "payload must be a JSON object");
            }
            int size = serializedSize(object);
            if (size > limits.maxPayloadBytes()) {
                return reject(index, "PAYLOAD_TOO_LARGE", "payload",
                        "payload is " + size + " bytes; the limit is " + limits.maxPayloadBytes());
            }
            StorableText.Bad bad = StorableText.find(object, "payload");
            if (bad != null) {
                return reject(index, "INVALID_PAYLOAD", bad.field(), bad.message());
            }
            payload = object;
        }
        if (DecisionEvents.isDecisionEvent(eventType)) {
            // The decision stream parses these with the same code: a step it could not process is refused here.
            try {
                DecisionEvents.parse(eventType, payload);
            } catch (InvalidDecision e) {
                return reject(index, "INVALID_DECISION_EVENT", e.field(), eventType + " " + e.getMessage());
            }
        }

        JsonNode runNode = event.get("run_id");
        if (runNode != null && !runNode.asText().equals(runId.toString())) {
            return reject(index, "INVALID_RUN_ID", "run_id", "run_id '" + abbreviate(runNode.asText()) + "' does not match the run " + runId);
        }

        UUID id;
        IdOrigin origin = IdOrigin.CLIENT;
        JsonNode idNode = event.get("id");
        if (idNode == null || idNode.isNull()) {
            id = ids.idFor(Integer.toString(index));
            origin = ids.origin();
        } else {
            id = parseUuid(idNode);
            if (id == null) {
                return reject(index, "INVALID_ID", "id", "id '" + abbreviate(idNode.asText()) + "' is not a UUID in its 36-character text form");
            }
        }
        return new Outcome(new AgentEvent(id, runId, agentId, eventType, occurredAt, receivedAt, payload, origin), null);
    }

    private static Outcome reject(int index, String code, String field, String message) {
        return new Outcome(null, new Rejection(index, code, field, message));
    }

    /** The canonical 36-character form only; {@link UUID#fromString} alone also takes "1-1-1-1-1". */
    public static UUID parseUuid(JsonNode node) {
        if (!node.isTextual() || node.asText().length() != 36) {
            return null;
        }
        try {
            return UUID.fromString(node.asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int serializedSize(ObjectNode payload) {
        try {
            return EventJson.MAPPER.writeValueAsBytes(payload).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}
