package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;

/** An event with the Kafka position it was read from; the offset is its sequence within the run. */
public record PositionedEvent(AgentEvent event, int partition, long offset) {
}
