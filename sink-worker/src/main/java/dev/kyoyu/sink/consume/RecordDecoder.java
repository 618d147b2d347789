package dev.kyoyu.sink.consume;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.DecisionValidator;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.EventTypes;
import dev.kyoyu.schemas.event.TracedDecision;
import dev.kyoyu.sink.copy.PositionedEvent;
import java.io.IOException;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a topic record into an event, or says why it is poison. Checks here what PostgreSQL would
 * otherwise reject mid-COPY, so one bad record never blocks the batch it arrived in.
 */
public final class RecordDecoder {
    /** Timestamps PostgreSQL can hold, with a margin; anything outside is a producer's mistake. */
    private static final TimeRange STORABLE = new TimeRange(Instant.parse("1900-01-01T00:00:00Z"), Instant.parse("9999-01-01T00:00:00Z"));

    private record TimeRange(Instant from, Instant to) {
        boolean contains(Instant instant) {
            return !instant.isBefore(from) && instant.isBefore(to);
        }
    }

    /** A record that can never be stored; it goes to the dead-letter topic. */
    public static final class PoisonRecordException extends Exception {
        PoisonRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public PositionedEvent decode(ConsumerRecord<String, byte[]> record) throws PoisonRecordException {
        AgentEvent event;
        try {
            event = EventJson.fromBytes(record.value());
        } catch (IOException | RuntimeException e) {
            throw new PoisonRecordException("not an agent event: " + e.getMessage(), e);
        }
        if (!event.agentId().equals(record.key())) {
            throw new PoisonRecordException("record key '" + record.key() + "' is not the event's agent_id '" + event.agentId() + "'", null);
        }
        // jsonb refuses the NUL character, and text columns cannot hold it either.
        if (EventJson.containsNul(event.payload()) || event.eventType().indexOf('\0') >= 0 || event.agentId().indexOf('\0') >= 0) {
            throw new PoisonRecordException("event contains a NUL character, which PostgreSQL cannot store", null);
        }
        if (!STORABLE.contains(event.occurredAt()) || !STORABLE.contains(event.receivedAt())) {
            throw new PoisonRecordException("occurred_at/received_at outside " + STORABLE, null);
        }
        TracedDecision decision = null;
        if (event.eventType().equals(EventTypes.DECISION_TRACED)) {
            try {
                decision = DecisionValidator.parse(event.payload(), "payload", null);
            } catch (DecisionValidator.InvalidDecision e) {
                throw new PoisonRecordException("DecisionTraced with an invalid decision: " + e.getMessage(), e);
            }
        }
        return new PositionedEvent(event, record.partition(), record.offset(), decision);
    }
}
