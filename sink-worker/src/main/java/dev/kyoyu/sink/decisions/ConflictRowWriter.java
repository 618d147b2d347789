package dev.kyoyu.sink.decisions;

import dev.kyoyu.schemas.decision.ConflictRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;

/** Writes conflicts in the caller's transaction; a conflict already stored (same pair, same id) is skipped. */
final class ConflictRowWriter {
    private static final String INSERT = """
            INSERT INTO conflicts (id, decision_type, decision_a_id, decision_b_id, agent_a_id, agent_b_id,
                                   outcome_a, outcome_b, detected_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";

    void write(Connection connection, List<ConflictRecord> conflicts) throws SQLException {
        if (conflicts.isEmpty()) {
            return;
        }
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (ConflictRecord c : conflicts) {
                insert.setObject(1, c.id());
                insert.setString(2, c.decisionType());
                insert.setObject(3, c.decisionAId());
                insert.setObject(4, c.decisionBId());
                insert.setString(5, c.agentAId());
                insert.setString(6, c.agentBId());
                insert.setString(7, c.outcomeA());
                insert.setString(8, c.outcomeB());
                insert.setTimestamp(9, Timestamp.from(c.detectedAt()));
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
