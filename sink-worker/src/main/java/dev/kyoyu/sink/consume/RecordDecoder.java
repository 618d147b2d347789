package dev.kyoyu.sink.consume;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns a topic record into an event, or says why it is poison. Checks here what PostgreSQL would
 * otherwise reject mid-COPY, so one bad record never blocks the batch it arrived in.
 */
public final class RecordDecoder {
    /** A record that can never be stored; it goes to the dead-letter topic. */
    public static final class PoisonRecordException extends Exception {
        PoisonRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public AgentEvent decode(ConsumerRecord<String, byte[]> record) throws PoisonRecordException {
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
        return event;
    }
}
