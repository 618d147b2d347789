package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.TracedDecision;

/**
 * An event with the Kafka position it was read from; the offset is its sequence within the run.
 *
 * @param decision the decision a {@code DecisionTraced} event carries, already checked; null otherwise
 */
public record PositionedEvent(AgentEvent event, int partition, long offset, TracedDecision decision) {
    public PositionedEvent(AgentEvent event, int partition, long offset) {
        this(event, partition, offset, null);
    }
}
