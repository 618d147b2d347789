package dev.kyoyu.sink.chunks;

import dev.kyoyu.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Rows in agent_events at given ages, each day its own chunk (agent_events' chunks span one day). */
final class OldChunks {
    private OldChunks() {
    }

    /** One event {@code days} days ago for each of {@code days}, of agent {@code agent}. */
    static void eventsDaysAgo(TestDatabase db, String agent, int... days) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("""
                INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)
                VALUES (?, ?, ?, 'ToolCalled', now() - ? * interval '1 day', now(), '{}'::jsonb, 0, ?)""")) {
            for (int i = 0; i < days.length; i++) {
                s.setObject(1, UUID.randomUUID());
                s.setObject(2, UUID.randomUUID());
                s.setString(3, agent);
                s.setInt(4, days[i]);
                s.setLong(5, i);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    static long chunks(TestDatabase db) {
        return db.queryLong("SELECT count(*) FROM show_chunks('agent_events')");
    }

    static long eventsOlderThanDays(TestDatabase db, int days) {
        return db.queryLong("SELECT count(*) FROM agent_events WHERE occurred_at < now() - ? * interval '1 day'", days);
    }
}
