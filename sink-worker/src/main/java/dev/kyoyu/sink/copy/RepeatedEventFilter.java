package dev.kyoyu.sink.copy;

import dev.kyoyu.schemas.event.AgentEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Drops events that a client retry brought a second time. Only ids a client chose or derived from an
 * Idempotency-Key can repeat. A retry may carry a later server time (so another default occurred_at),
 * which the hypertable's key (id, agent_id, occurred_at) would not catch: look the ids up without the time,
 * bounded to the retry window so that only recent chunks are searched.
 *
 * <p>An earlier copy is one of the same agent: another agent's event under the same id is not a retry, and is
 * stored (one agent cannot suppress another's event by using its id first).
 */
final class RepeatedEventFilter {
    private static final String STORED = "SELECT agent_id, id FROM agent_events WHERE id = ANY (?) AND occurred_at >= ?";

    /** An event's identity as far as retries go. */
    private record Copy(String agentId, UUID id) {
        static Copy of(AgentEvent event) {
            return new Copy(event.agentId(), event.id());
        }
    }

    private final Duration retryWindow;

    RepeatedEventFilter(Duration retryWindow) {
        this.retryWindow = retryWindow;
    }

    List<PositionedEvent> withoutRepeats(Connection connection, List<PositionedEvent> batch) throws SQLException {
        List<UUID> candidates = new ArrayList<>();
        Instant earliest = Instant.MAX;
        for (PositionedEvent positioned : batch) {
            AgentEvent event = positioned.event();
            if (event.idOrigin().mayRepeat()) {
                candidates.add(event.id());
                Instant bound = event.occurredAt().isBefore(event.receivedAt().minus(retryWindow))
                        ? event.occurredAt() : event.receivedAt().minus(retryWindow);
                earliest = bound.isBefore(earliest) ? bound : earliest;
            }
        }
        if (candidates.isEmpty()) {
            return batch;
        }
        Set<Copy> skip = stored(connection, candidates, earliest);
        List<PositionedEvent> kept = new ArrayList<>(batch.size());
        for (PositionedEvent positioned : batch) {
            AgentEvent event = positioned.event();
            // add() is false for an event already stored or already kept earlier in this batch: first copy wins.
            if (!event.idOrigin().mayRepeat() || skip.add(Copy.of(event))) {
                kept.add(positioned);
            }
        }
        return kept;
    }

    private static Set<Copy> stored(Connection connection, List<UUID> ids, Instant earliest) throws SQLException {
        Set<Copy> found = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(STORED)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            statement.setTimestamp(2, Timestamp.from(earliest));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(new Copy(rows.getString(1), rows.getObject(2, UUID.class)));
                }
            }
        }
        return found;
    }
}
