package dev.kyoyu.bench.query;

import com.pgvector.PGvector;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The baseline: the statements query-api's DecisionReader runs for a query, run straight over JDBC on one
 * connection (no HTTP, no JSON, no pool, no query embedding). Kept statement for statement the same as
 * {@code query-api/src/main/java/dev/kyoyu/query/decisions/DecisionReader.java} for an admin caller (no agent
 * scope): page and total in one repeatable-read transaction, then alternatives and evidence when asked for; for
 * search, ef_search and the iterative scan set locally, then the ORDER BY on the HNSW index.
 */
final class DirectSql {
    static final String COLUMNS = """
            d.id, d.run_id, d.agent_id, d.decision_type, d.outcome, d.confidence, d.reasoning,
            (d.metadata - 'embedding')::text, d.valid_from, d.valid_to, d.transaction_time""";
    private static final String ALTERNATIVES = """
            SELECT decision_id, label, score, selected, rejection_reason
            FROM alternatives WHERE decision_id = ANY(?) ORDER BY decision_id, position""";
    private static final String EVIDENCE = """
            SELECT decision_id, source_type, source_uri, content, relevance_score
            FROM evidence WHERE decision_id = ANY(?) ORDER BY decision_id, position""";

    private final Connection connection;
    private final int efSearch;

    /** {@code efSearch}: the value query-api uses (KYOYU_SEARCH_EF_SEARCH), so both run the same index scan. */
    DirectSql(Connection connection, int efSearch) throws SQLException {
        this.connection = connection;
        this.efSearch = efSearch;
        // query-api's pool is read-only (Hikari readOnly), so every transaction of it is READ ONLY; so are these.
        connection.setReadOnly(true);
    }

    /** Runs the query's statements; returns the decisions on its page (or search hits). */
    int run(QuerySpec spec, float[] vector) throws SQLException {
        try {
            return spec.type() == QuerySpec.Type.VECTOR ? search(spec, vector) : page(spec);
        } finally {
            if (!connection.getAutoCommit()) {
                connection.rollback();
                connection.setAutoCommit(true);
            }
            if (spec.type() != QuerySpec.Type.VECTOR) {
                // Hikari resets a connection's isolation when query-api hands it back; this is that reset.
                connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    private int page(QuerySpec spec) throws SQLException {
        Where where = where(spec);
        String page = "SELECT " + COLUMNS + " FROM decisions d WHERE " + where.sql()
                + " ORDER BY d." + spec.orderBy() + " DESC NULLS LAST, d.id DESC LIMIT ? OFFSET ?";
        String count = "SELECT count(*) FROM decisions d WHERE " + where.sql();
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(page)) {
            int next = where.bind(statement, 1);
            statement.setInt(next, spec.limit());
            statement.setInt(next + 1, 0);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(readRow(rows));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(count)) {
            where.bind(statement, 1);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                rows.getLong(1);
            }
        }
        includes(spec, ids);
        connection.commit();
        return ids.size();
    }

    private int search(QuerySpec spec, float[] vector) throws SQLException {
        Where where = where(spec).and("d.embedding IS NOT NULL");
        String sql = "SELECT " + COLUMNS + ", d.embedding <=> ? AS distance FROM decisions d WHERE " + where.sql()
                + " ORDER BY d.embedding <=> ? LIMIT ?";
        connection.setAutoCommit(false);
        try (PreparedStatement settings = connection.prepareStatement(
                "SELECT set_config('hnsw.ef_search', ?, true), set_config('hnsw.iterative_scan', 'strict_order', true)")) {
            settings.setString(1, Integer.toString(Math.max(efSearch, spec.limit())));
            settings.execute();
        }
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            PGvector query = new PGvector(vector);
            statement.setObject(1, query);
            int next = where.bind(statement, 2);
            statement.setObject(next, query);
            statement.setInt(next + 1, spec.limit());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    ids.add(readRow(rows));
                    rows.getDouble(12);
                }
            }
        }
        includes(spec, ids);
        connection.commit();
        return ids.size();
    }

    /** Reads every column as query-api does, so the rows cross the wire and are decoded the same way. */
    private static UUID readRow(ResultSet rows) throws SQLException {
        UUID id = rows.getObject(1, UUID.class);
        rows.getObject(2, UUID.class);
        for (int c = 3; c <= 8; c++) {
            rows.getString(c);
        }
        for (int c = 9; c <= 11; c++) {
            rows.getTimestamp(c);
        }
        return id;
    }

    private void includes(QuerySpec spec, List<UUID> ids) throws SQLException {
        if (!spec.include() || ids.isEmpty()) {
            return;
        }
        for (String sql : List.of(ALTERNATIVES, EVIDENCE)) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setArray(1, connection.createArrayOf("uuid", ids.toArray()));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        for (int c = 2; c <= 5; c++) {
                            rows.getString(c);
                        }
                    }
                }
            }
        }
    }

    /** The WHERE clause of DecisionReader.where for an admin: the same fragments in the same order. */
    private Where where(QuerySpec spec) {
        Where where = new Where();
        if (spec.agents() != null) {
            where.and("d.agent_id = ANY(?)", (Object) spec.agents().toArray(String[]::new));
        }
        if (spec.decisionTypes() != null) {
            where.and("d.decision_type = ANY(?)", (Object) spec.decisionTypes().toArray(String[]::new));
        }
        if (spec.outcomes() != null) {
            where.and("d.outcome = ANY(?)", (Object) spec.outcomes().toArray(String[]::new));
        }
        if (spec.confidenceMin() != null) {
            where.and("d.confidence >= ?", spec.confidenceMin());
        }
        if (spec.from() != null) {
            where.and("d.valid_from >= ?", spec.from());
            where.and("d.valid_from < ?", spec.to());
        }
        if (spec.type() == QuerySpec.Type.TEMPORAL) {
            Instant validAt = spec.validAt() == null ? spec.asOf() : spec.validAt();
            where.and("d.transaction_time <= ?", spec.asOf())
                    .and("d.valid_from <= ?", validAt)
                    .and("(d.valid_to IS NULL OR d.valid_to > ? OR COALESCE(d.valid_to_recorded_at, d.transaction_time) > ?)",
                            validAt, spec.asOf());
        } else {
            where.and("d.valid_to IS NULL");
        }
        return where;
    }

    /** Fixed SQL fragments with bound values, as query-api's Where. */
    private final class Where {
        private final List<String> clauses = new ArrayList<>();
        private final List<Object> values = new ArrayList<>();

        Where and(String clause, Object... clauseValues) {
            clauses.add(clause);
            values.addAll(List.of(clauseValues));
            return this;
        }

        String sql() {
            return clauses.isEmpty() ? "TRUE" : String.join(" AND ", clauses);
        }

        int bind(PreparedStatement statement, int first) throws SQLException {
            int index = first;
            for (Object value : values) {
                switch (value) {
                    case Double d -> statement.setDouble(index, d);
                    case Instant i -> statement.setTimestamp(index, Timestamp.from(i));
                    case String[] a -> statement.setArray(index, connection.createArrayOf("text", a));
                    default -> throw new IllegalArgumentException("cannot bind " + value.getClass());
                }
                index++;
            }
            return index;
        }
    }
}
