package dev.kyoyu.query.decisions;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pgvector.PGhalfvec;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.PageWithTotal;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The statements behind the structured, temporal and vector queries, on a connection the caller holds
 * (query-api's read pools through {@link DecisionReader}; the query benchmark's baseline directly).
 */
public final class DecisionStatements {
    private static final ObjectMapper PLAN = new ObjectMapper();
    private static final String COLUMNS = """
            d.id, d.run_id, d.agent_id, d.decision_type, d.outcome, d.confidence, d.reasoning,
            (d.metadata - 'embedding')::text, d.valid_from, d.valid_to, d.transaction_time""";
    private static final String ALTERNATIVES = """
            SELECT decision_id, label, score, selected, rejection_reason
            FROM alternatives WHERE decision_id = ANY(?) ORDER BY decision_id, position""";
    private static final String EVIDENCE = """
            SELECT decision_id, source_type, source_uri, content, relevance_score
            FROM evidence WHERE decision_id = ANY(?) ORDER BY decision_id, position""";

    /** One page and how many rows match in all. */
    public record Page(List<DecisionView> decisions, long total) {
    }

    /** A search hit: the decision and 1 - cosine distance to the query. */
    public record Hit(DecisionView decision, double similarityScore) {
    }

    private final Tracer tracer;

    public DecisionStatements(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * A page of decisions and the total, from one snapshot ({@link PageWithTotal}). The alternatives and evidence
     * of the page's decisions were committed with them and never change, so reading them in a second statement
     * cannot disagree with the page.
     */
    public Page query(Connection connection, DecisionQuery query, ReadScope scope) throws SQLException {
        Where where = where(query.filter(), query.slice(), scope);
        String direction = query.descending() ? "DESC" : "ASC";
        String orderBy = query.orderBy().column + " " + direction + (query.orderBy().nullable ? " NULLS LAST" : "")
                + ", d.id " + direction;
        Span span = tracer.spanBuilder("kyoyu.db.query").setAttribute("db.query.summary", "SELECT decisions").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            PageWithTotal.Page<DecisionView> page = PageWithTotal.fetch(connection, COLUMNS, "decisions d", where.sql(),
                    (statement, index) -> where.bind(connection, statement, index), orderBy, query.limit(), query.offset(),
                    DecisionStatements::decision);
            return new Page(withIncludes(connection, page.rows(), query.includes()), page.total());
        } finally {
            span.end();
        }
    }

    /**
     * The {@code limit} decisions nearest to {@code vector} by cosine distance.
     *
     * <p>When the filters leave few decisions (a set of agents, a run, a caller who can read only some agents, or
     * by the planner's estimate at most {@link SearchTuning#exactMaxRows}), all of them are ranked exactly: a
     * few thousand half-precision distances take milliseconds, read from the row or, within a decision type, from
     * a covering index (changesets 009 and 010), while the graph,
     * built over every decision, finds few of a narrow filter's nearest ones (bench query: recall 0.33 for one
     * decision_type through the graph).
     *
     * <p>Wider searches walk the HNSW index. {@code hnsw.ef_search} is the size of the candidate list (recall vs.
     * speed; at least {@code limit}); iterative scans (pgvector 0.8) keep looking when filters discard candidates,
     * so a selective filter still fills the page; relaxed order finds more of the true nearest under a filter than
     * strict order (bench query), and the outer ORDER BY puts them back in order.
     */
    public List<Hit> search(Connection connection, float[] vector, DecisionFilter filter, TimeSlice slice, ReadScope scope,
                             int limit, SearchTuning tuning, Set<DecisionQuery.Include> includes) throws SQLException {
        Where where = where(filter, slice, scope).and("d.embedding IS NOT NULL");
        boolean exact = filter.agentIds() != null || filter.runId() != null || !scope.everyone()
                || estimatedRows(connection, where) <= tuning.exactMaxRows();
        // "+ 0" is an order the HNSW index cannot give, so the planner ranks the filtered rows one by one.
        String order = exact ? "(d.embedding <=> ?) + 0" : "d.embedding <=> ?";
        // The nearest are found from ids and vectors alone, which a decision type's exact ranking reads from
        // decisions_type_embedding_idx without visiting the rows (changeset 010); only the page's rows are read.
        String sql = "SELECT " + COLUMNS + ", nearest.distance FROM (SELECT d.id, d.embedding <=> ? AS distance FROM decisions d WHERE "
                + where.sql() + " ORDER BY " + order + " LIMIT ?) nearest JOIN decisions d ON d.id = nearest.id ORDER BY nearest.distance";
        Span span = tracer.spanBuilder("kyoyu.db.search").setAttribute("db.query.summary", "SELECT decisions ORDER BY embedding").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            try {
                if (!exact) {
                    // The graph's settings hold for this transaction only; an exact ranking needs neither.
                    connection.setAutoCommit(false);
                    try (PreparedStatement settings = connection.prepareStatement(
                            "SELECT set_config('hnsw.ef_search', ?, true), set_config('hnsw.iterative_scan', 'relaxed_order', true)")) {
                        settings.setString(1, Integer.toString(Math.max(tuning.efSearch(), limit)));
                        settings.execute();
                    }
                }
                List<DecisionView> decisions = new ArrayList<>();
                List<Double> distances = new ArrayList<>();
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    PGhalfvec query = new PGhalfvec(vector);
                    statement.setObject(1, query);
                    int next = where.bind(connection, statement, 2);
                    statement.setObject(next, query);
                    statement.setInt(next + 1, limit);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            decisions.add(decision(rows));
                            distances.add(rows.getDouble(12));
                        }
                    }
                }
                decisions = withIncludes(connection, decisions, includes);
                if (!connection.getAutoCommit()) {
                    connection.commit();
                }
                List<Hit> hits = new ArrayList<>(decisions.size());
                for (int i = 0; i < decisions.size(); i++) {
                    hits.add(new Hit(decisions.get(i), 1 - distances.get(i)));
                }
                return hits;
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            }
        } finally {
            span.end();
        }
    }

    /** The planner's estimate of the decisions {@code where} leaves: planning alone, from the table's statistics. */
    private static long estimatedRows(Connection connection, Where where) throws SQLException {
        try (PreparedStatement explain = connection.prepareStatement(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM decisions d WHERE " + where.sql())) {
            where.bind(connection, explain, 1);
            try (ResultSet plan = explain.executeQuery()) {
                plan.next();
                return PLAN.readTree(plan.getString(1)).path(0).path("Plan").path("Plan Rows").asLong(Long.MAX_VALUE);
            } catch (JsonProcessingException e) {
                throw new SQLException("EXPLAIN answered with a plan that is not JSON", e);
            }
        }
    }

    private static Where where(DecisionFilter filter, TimeSlice slice, ReadScope scope) {
        Where where = new Where();
        if (filter.agentIds() != null) {
            where.anyOf("d.agent_id", filter.agentIds());
        } else if (!scope.everyone()) {
            where.anyOf("d.agent_id", List.copyOf(scope.agents()));
        }
        if (filter.runId() != null) {
            where.and("d.run_id = ?", filter.runId());
        }
        if (filter.decisionTypes() != null) {
            where.anyOf("d.decision_type", filter.decisionTypes());
        }
        if (filter.outcomes() != null) {
            where.anyOf("d.outcome", filter.outcomes());
        }
        if (filter.confidenceMin() != null) {
            where.and("d.confidence >= ?", filter.confidenceMin());
        }
        if (filter.validFrom() != null) {
            where.and("d.valid_from >= ?", filter.validFrom());
        }
        if (filter.validBefore() != null) {
            where.and("d.valid_from < ?", filter.validBefore());
        }
        switch (slice) {
            case TimeSlice.Current c -> where.and("d.valid_to IS NULL");
            case TimeSlice.AllVersions a -> {
            }
            // The rule and its reason are on TimeSlice.AsOf.
            case TimeSlice.AsOf asOf -> where
                    .and("d.transaction_time <= ?", asOf.knownAt())
                    .and("d.valid_from <= ?", asOf.validAt())
                    .and("(d.valid_to IS NULL OR d.valid_to > ? OR COALESCE(d.valid_to_recorded_at, d.transaction_time) > ?)",
                            asOf.validAt(), asOf.knownAt());
        }
        return where;
    }

    private static DecisionView decision(ResultSet row) throws SQLException {
        Double confidence = nullableDouble(row, 6);
        return new DecisionView(row.getObject(1, UUID.class), row.getObject(2, UUID.class), row.getString(3),
                row.getString(4), row.getString(5), confidence, row.getString(7), row.getString(8),
                instant(row.getTimestamp(9)), instant(row.getTimestamp(10)), instant(row.getTimestamp(11)), null, null);
    }

    private static List<DecisionView> withIncludes(Connection connection, List<DecisionView> decisions,
                                                   Set<DecisionQuery.Include> includes) throws SQLException {
        if (decisions.isEmpty() || includes.isEmpty()) {
            return decisions;
        }
        Object[] ids = decisions.stream().map(DecisionView::id).toArray();
        Map<UUID, List<DecisionView.Alternative>> alternatives = new HashMap<>();
        if (includes.contains(DecisionQuery.Include.ALTERNATIVES)) {
            try (PreparedStatement statement = connection.prepareStatement(ALTERNATIVES)) {
                statement.setArray(1, connection.createArrayOf("uuid", ids));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        alternatives.computeIfAbsent(rows.getObject(1, UUID.class), id -> new ArrayList<>())
                                .add(new DecisionView.Alternative(rows.getString(2), nullableDouble(rows, 3), rows.getBoolean(4), rows.getString(5)));
                    }
                }
            }
        }
        Map<UUID, List<DecisionView.Evidence>> evidence = new HashMap<>();
        if (includes.contains(DecisionQuery.Include.EVIDENCE)) {
            try (PreparedStatement statement = connection.prepareStatement(EVIDENCE)) {
                statement.setArray(1, connection.createArrayOf("uuid", ids));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        evidence.computeIfAbsent(rows.getObject(1, UUID.class), id -> new ArrayList<>())
                                .add(new DecisionView.Evidence(rows.getString(2), rows.getString(3), rows.getString(4), nullableDouble(rows, 5)));
                    }
                }
            }
        }
        Map<UUID, DecisionView> byId = new LinkedHashMap<>();
        for (DecisionView d : decisions) {
            byId.put(d.id(), d.with(
                    includes.contains(DecisionQuery.Include.ALTERNATIVES) ? alternatives.getOrDefault(d.id(), List.of()) : null,
                    includes.contains(DecisionQuery.Include.EVIDENCE) ? evidence.getOrDefault(d.id(), List.of()) : null));
        }
        return List.copyOf(byId.values());
    }

    private static Double nullableDouble(ResultSet rows, int column) throws SQLException {
        double value = rows.getDouble(column);
        return rows.wasNull() ? null : value;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
