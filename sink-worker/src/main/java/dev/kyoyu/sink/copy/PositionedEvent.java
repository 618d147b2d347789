package dev.kyoyu.sink.copy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.event.TracedDecision;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An event with the Kafka position it was read from; the offset is its sequence within the run.
 *
 * @param decision    the decision a {@code DecisionTraced} event carries, already checked; null otherwise
 * @param payloadJson the payload exactly as the record carried it, when the sink did not need it as a tree
 *                    (then {@code event().payload()} is empty): COPY takes these bytes as they are
 */
public record PositionedEvent(AgentEvent event, int partition, long offset, TracedDecision decision, byte[] payloadJson) {
    public PositionedEvent(AgentEvent event, int partition, long offset) {
        this(event, partition, offset, null, null);
    }

    /** The event with its payload as a tree, for the rare path that needs the whole event again (a dead letter). */
    public AgentEvent withPayload() {
        if (payloadJson == null) {
            return event;
        }
        try {
            ObjectNode payload = (ObjectNode) EventJson.MAPPER.readTree(payloadJson);
            return new AgentEvent(event.id(), event.runId(), event.agentId(), event.eventType(), event.occurredAt(),
                    event.receivedAt(), payload, event.idOrigin());
        } catch (IOException e) {
            throw new UncheckedIOException("a payload the decoder accepted always parses", e);
        }
    }
}
