package dev.kyoyu.query.runs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What {@code GET /v1/runs/{run_id}} answers: the run and a page of its events in sequence order. */
public record RunView(Run run, List<Event> events, @JsonInclude(JsonInclude.Include.ALWAYS) Long nextAfterSequence) {

    public record Run(UUID id, String agentId, String status, Instant startedAt, Instant completedAt,
                      @JsonRawValue String metadata) {
    }

    /** {@code sequence} is the event's position in its agent's Kafka partition: increasing, not contiguous. */
    public record Event(UUID id, long sequence, String eventType, Instant occurredAt, Instant receivedAt,
                        @JsonRawValue String payload) {
    }
}
