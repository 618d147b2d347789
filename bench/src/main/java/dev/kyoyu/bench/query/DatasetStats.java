package dev.kyoyu.bench.query;

import dev.kyoyu.bench.stack.BenchDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The dataset as stored: row counts, time ranges and sizes on disk, read before the queries run. */
record DatasetStats(long events, long runs, long decisions, long superseded, long embedded, long alternatives, long evidence,
                    long conflicts, long agents, long decisionTypes, Instant validMin, Instant validMax, Instant knownMin,
                    Instant knownMax, Map<String, Long> bytes) {

    static DatasetStats read(BenchDatabase db) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            long[] d = longs(s, "SELECT count(*), count(valid_to), count(embedding), count(DISTINCT agent_id), count(DISTINCT decision_type) "
                    + "FROM decisions");
            long[] other = longs(s, "SELECT (SELECT count(*) FROM agent_events), (SELECT count(*) FROM agent_runs), "
                    + "(SELECT count(*) FROM alternatives), (SELECT count(*) FROM evidence), (SELECT count(*) FROM conflicts)");
            Instant[] ranges = new Instant[4];
            try (ResultSet rows = s.executeQuery(
                    "SELECT min(valid_from), max(valid_from), min(transaction_time), max(transaction_time) FROM decisions")) {
                rows.next();
                for (int i = 0; i < 4; i++) {
                    ranges[i] = rows.getTimestamp(i + 1) == null ? null : rows.getTimestamp(i + 1).toInstant();
                }
            }
            Map<String, Long> bytes = new LinkedHashMap<>();
            try (ResultSet rows = s.executeQuery("SELECT hypertable_size('agent_events'), pg_total_relation_size('decisions'), "
                    + "pg_relation_size('decisions_embedding_idx'), pg_relation_size('decisions_type_embedding_idx'), "
                    + "pg_total_relation_size('alternatives'), "
                    + "pg_total_relation_size('evidence'), pg_database_size(current_database())")) {
                rows.next();
                String[] names = {"agent_events (hypertable, with indexes)", "decisions (with indexes)", "of which the HNSW index",
                    "of which the vectors by decision type (covering index)", "alternatives", "evidence", "whole database"};
                for (int i = 0; i < names.length; i++) {
                    bytes.put(names[i], rows.getLong(i + 1));
                }
            }
            return new DatasetStats(other[0], other[1], d[0], d[1], d[2], other[2], other[3], other[4], d[3], d[4],
                    ranges[0], ranges[1], ranges[2], ranges[3], bytes);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the dataset's statistics from " + db.name(), e);
        }
    }

    private static long[] longs(Statement s, String sql) throws SQLException {
        try (ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            long[] values = new long[rows.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rows.getLong(i + 1);
            }
            return values;
        }
    }
}
