package dev.kyoyu.embedder;

import dev.kyoyu.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/** Decision rows as the sink writes them (without a vector), for the embedder to find. */
final class Decisions {
    private Decisions() {
    }

    static UUID insert(TestDatabase db, String type, String outcome, String reasoning, String metadata, String... evidence) {
        UUID id = UUID.randomUUID();
        try (Connection c = db.connect()) {
            try (PreparedStatement d = c.prepareStatement("""
                    INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, reasoning, metadata, valid_from, source_event_id)
                    VALUES (?, ?, 'embed-agent', ?, ?, ?, ?::jsonb, now(), ?)""")) {
                d.setObject(1, id);
                d.setObject(2, UUID.randomUUID());
                d.setString(3, type);
                d.setString(4, outcome);
                d.setString(5, reasoning);
                d.setString(6, metadata);
                d.setObject(7, UUID.randomUUID());
                d.execute();
            }
            for (int i = 0; i < evidence.length; i++) {
                try (PreparedStatement e = c.prepareStatement(
                        "INSERT INTO evidence (id, decision_id, position, source_type, content) VALUES (?, ?, ?, 'document', ?)")) {
                    e.setObject(1, UUID.randomUUID());
                    e.setObject(2, id);
                    e.setInt(3, i);
                    e.setString(4, evidence[i]);
                    e.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }
}
