package dev.kyoyu.sink.consume;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionValidator;
import dev.kyoyu.schemas.decision.InvalidDecision;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.IdOrigin;
import dev.kyoyu.schemas.event.TimeWindow;
import dev.kyoyu.schemas.event.TracedDecision;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a topic record into an event, or says why it is poison. Checks here what PostgreSQL would
 * otherwise reject mid-COPY, so one bad record never blocks the batch it arrived in.
 *
 * <p>The hot path of the sink: the record is read with a streaming parser, and the payload, which the
 * sink only copies, is kept as the bytes it arrived as instead of being built into a tree and written
 * out again. Only the events whose payload feeds derived rows are parsed whole.
 */
public final class RecordDecoder {
    /** Events whose payload the sink reads: run rows and decisions derive from them. */
    private static final Set<String> PAYLOAD_READ = Set.of(
            EventTypes.RUN_STARTED, EventTypes.RUN_COMPLETED, EventTypes.RUN_FAILED, EventTypes.DECISION_TRACED);
    private static final JsonFactory JSON = EventJson.MAPPER.getFactory();

    /** A record that can never be stored; it goes to the dead-letter topic. */
    public static final class PoisonRecordException extends Exception {
        PoisonRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The fields of a record as read, before they are checked. */
    private static final class Fields {
        String id;
        String runId;
        String agentId;
        String eventType;
        String occurredAt;
        String receivedAt;
        String idOrigin;
        int payloadStart = -1;
        int payloadEnd;
    }

    public PositionedEvent decode(ConsumerRecord<String, byte[]> record) throws PoisonRecordException {
        byte[] value = record.value();
        if (value == null) {
            throw new PoisonRecordException("not an agent event: record has no value", null);
        }
        Fields f = read(value);
        UUID id = uuid(f.id, "id");
        UUID runId = uuid(f.runId, "run_id");
        require(f.agentId, "agent_id");
        require(f.eventType, "event_type");
        if (f.payloadStart < 0) {
            throw new PoisonRecordException("not an agent event: payload must be a JSON object", null);
        }
        if (!f.agentId.equals(record.key())) {
            throw new PoisonRecordException("record key '" + record.key() + "' is not the event's agent_id '" + f.agentId + "'", null);
        }
        byte[] payloadJson = Arrays.copyOfRange(value, f.payloadStart, f.payloadEnd);
        // text and jsonb cannot hold NUL, which JSON can only carry as the escape \\u0000.
        if (f.eventType.indexOf('\0') >= 0 || f.agentId.indexOf('\0') >= 0 || escapesNul(payloadJson)) {
            throw new PoisonRecordException("event contains a NUL character, which PostgreSQL cannot store", null);
        }
        Instant occurredAt = instant(f.occurredAt, "occurred_at");
        Instant receivedAt = instant(f.receivedAt, "received_at");
        IdOrigin origin = origin(f.idOrigin);

        boolean readsPayload = PAYLOAD_READ.contains(f.eventType);
        ObjectNode payload = readsPayload ? tree(payloadJson) : EventJson.MAPPER.createObjectNode();
        AgentEvent event = new AgentEvent(id, runId, f.agentId, f.eventType, occurredAt, receivedAt, payload, origin);
        TracedDecision decision = null;
        if (f.eventType.equals(EventTypes.DECISION_TRACED)) {
            try {
                decision = DecisionValidator.parse(payload, "payload", null);
            } catch (InvalidDecision e) {
                throw new PoisonRecordException("DecisionTraced with an invalid decision: " + e.getMessage(), e);
            }
        }
        return new PositionedEvent(event, record.partition(), record.offset(), decision, readsPayload ? null : payloadJson);
    }

    private static Fields read(byte[] value) throws PoisonRecordException {
        Fields f = new Fields();
        try (JsonParser parser = JSON.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new PoisonRecordException("not an agent event: not a JSON object", null);
            }
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                switch (name) {
                    case "id" -> f.id = parser.nextTextValue();
                    case "run_id" -> f.runId = parser.nextTextValue();
                    case "agent_id" -> f.agentId = parser.nextTextValue();
                    case "event_type" -> f.eventType = parser.nextTextValue();
                    case "occurred_at" -> f.occurredAt = parser.nextTextValue();
                    case "received_at" -> f.receivedAt = parser.nextTextValue();
                    case "id_origin" -> f.idOrigin = parser.nextTextValue();
                    case "payload" -> {
                        if (parser.nextToken() == JsonToken.START_OBJECT) {
                            f.payloadStart = (int) parser.currentTokenLocation().getByteOffset();
                            parser.skipChildren();
                            f.payloadEnd = (int) parser.currentLocation().getByteOffset();
                        } else {
                            f.payloadStart = -1;
                            parser.skipChildren();
                        }
                    }
                    default -> {
                        // A newer producer's field: an older sink still reads the record.
                        parser.nextToken();
                        parser.skipChildren();
                    }
                }
            }
            if (parser.nextToken() != null) {
                throw new PoisonRecordException("not an agent event: trailing content after the object", null);
            }
        } catch (IOException e) {
            throw new PoisonRecordException("not an agent event: " + e.getMessage(), e);
        }
        return f;
    }

    /** True when the JSON text holds {@code \\u0000}: a backslash that is not itself escaped, then u0000. */
    static boolean escapesNul(byte[] json) {
        for (int i = 0; i + 5 < json.length; i++) {
            if (json[i] == '\\') {
                if (json[i + 1] == 'u' && json[i + 2] == '0' && json[i + 3] == '0' && json[i + 4] == '0' && json[i + 5] == '0') {
                    return true;
                }
                i++; // skip whatever this backslash escapes, including a second backslash
            }
        }
        return false;
    }

    private static ObjectNode tree(byte[] payloadJson) throws PoisonRecordException {
        try {
            JsonNode node = EventJson.MAPPER.readTree(payloadJson);
            return (ObjectNode) node;
        } catch (IOException e) {
            throw new PoisonRecordException("not an agent event: " + e.getMessage(), e);
        }
    }

    private static void require(String value, String field) throws PoisonRecordException {
        if (value == null) {
            throw new PoisonRecordException("not an agent event: " + field + " is missing or not a string", null);
        }
    }

    private static UUID uuid(String value, String field) throws PoisonRecordException {
        require(value, field);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException("not an agent event: " + field + " '" + value + "' is not a UUID", e);
        }
    }

    private static Instant instant(String value, String field) throws PoisonRecordException {
        require(value, field);
        Instant instant;
        try {
            instant = IsoInstants.parse(value);
        } catch (DateTimeException e) {
            throw new PoisonRecordException("not an agent event: " + field + " '" + value + "' is not an ISO-8601 instant", e);
        }
        // The window ingest accepts: whatever it let through is stored; anything outside is another producer's mistake.
        if (!TimeWindow.contains(instant)) {
            throw new PoisonRecordException(field + " " + instant + " is not " + TimeWindow.describe(), null);
        }
        return instant;
    }

    private static IdOrigin origin(String value) throws PoisonRecordException {
        if (value == null) {
            return IdOrigin.CLIENT; // another producer's record: the safe reading, see AgentEvent
        }
        try {
            return IdOrigin.valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new PoisonRecordException("not an agent event: id_origin '" + value + "' is unknown", e);
        }
    }
}
