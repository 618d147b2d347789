package dev.kyoyu.bench.query;

import dev.kyoyu.bench.stack.BenchDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the queries are drawn from: the agents and the types each decided, the outcomes of each type, and the
 * valid-time and transaction-time ranges, read from the database itself so a reused dataset is queried as it is.
 */
record DatasetShape(Map<String, List<String>> typesByAgent, Map<String, List<String>> outcomesByType,
                    Instant validMin, Instant validMax, Instant knownMin, Instant knownMax) {

    static DatasetShape read(BenchDatabase db) {
        Map<String, List<String>> typesByAgent = new TreeMap<>();
        Map<String, List<String>> outcomesByType = new TreeMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            try (ResultSet rows = s.executeQuery("SELECT DISTINCT agent_id, decision_type FROM decisions ORDER BY 1, 2")) {
                while (rows.next()) {
                    typesByAgent.computeIfAbsent(rows.getString(1), a -> new ArrayList<>()).add(rows.getString(2));
                }
            }
            try (ResultSet rows = s.executeQuery("SELECT DISTINCT decision_type, outcome FROM decisions ORDER BY 1, 2")) {
                while (rows.next()) {
                    outcomesByType.computeIfAbsent(rows.getString(1), t -> new ArrayList<>()).add(rows.getString(2));
                }
            }
            try (ResultSet rows = s.executeQuery(
                    "SELECT min(valid_from), max(valid_from), min(transaction_time), max(transaction_time) FROM decisions")) {
                rows.next();
                if (rows.getTimestamp(1) == null) {
                    throw new IllegalStateException("database " + db.name() + " holds no decisions");
                }
                return new DatasetShape(typesByAgent, outcomesByType, rows.getTimestamp(1).toInstant(),
                        rows.getTimestamp(2).toInstant(), rows.getTimestamp(3).toInstant(), rows.getTimestamp(4).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dataset's shape from " + db.name(), e);
        }
    }
}
