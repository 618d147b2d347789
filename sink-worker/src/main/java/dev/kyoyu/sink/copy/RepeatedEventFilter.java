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
 * which the hypertable's key (id, occurred_at) would not catch: look the ids up by id alone, bounded
 * to the retry window so that only recent chunks are searched.
 */
final class RepeatedEventFilter {
    private static final String STORED = "SELECT id FROM agent_events WHERE id = ANY (?) AND occurred_at >= ?";

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
        Set<UUID> skip = stored(connection, candidates, earliest);
        List<PositionedEvent> kept = new ArrayList<>(batch.size());
        for (PositionedEvent positioned : batch) {
            AgentEvent event = positioned.event();
            // add() is false for an id already stored or already kept earlier in this batch: first copy wins.
            if (!event.idOrigin().mayRepeat() || skip.add(event.id())) {
                kept.add(positioned);
            }
        }
        return kept;
    }

    private static Set<UUID> stored(Connection connection, List<UUID> ids, Instant earliest) throws SQLException {
        Set<UUID> found = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(STORED)) {
            statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
            statement.setTimestamp(2, Timestamp.from(earliest));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getObject(1, UUID.class));
                }
            }
        }
        return found;
    }
}
