package dev.kyoyu.bench.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pgvector.PGhalfvec;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.schemas.event.EventJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Recall@10 of the HNSW search against exact search on the same rows and the same query vector. The HNSW answer
 * is what /v1/search returns (query-api embeds the text and runs its index scan), and, to show the trade-off, the
 * same statement over JDBC at several hnsw.ef_search values. The exact answer is the same statement with index
 * scans disabled for its transaction, so PostgreSQL computes every distance and sorts.
 */
final class RecallProbe {
    static final int K = 10;
    /** pgvector's own default hnsw.ef_search, shown beside query-api's setting and twice that. */
    static final int PGVECTOR_DEFAULT_EF_SEARCH = 40;

    record Row(String label, int queries, double mean, double min, int imperfect, double meanMillis) {
    }

    /** {@code apiPlan}: the plan of query-api's own search statement, unforced (does it use the HNSW index at this size?). */
    record Result(List<Row> rows, double exactMeanMillis, String apiPlan, String forcedPlan, String exactPlan) {
        boolean apiUsesIndex() {
            return apiPlan.contains(INDEX);
        }
    }

    static final String INDEX = "decisions_embedding_idx";

    private RecallProbe() {
    }

    static Result measure(BenchDatabase db, ApiClient api, String token, List<String> texts, List<float[]> vectors,
                          List<String> typeFilters, int efSearch) throws Exception {
        List<Integer> curve = java.util.stream.Stream.of(PGVECTOR_DEFAULT_EF_SEARCH, efSearch, Math.min(1000, 2 * efSearch)).distinct().sorted().toList();
        Map<String, List<Double>> recalls = new LinkedHashMap<>();
        Map<String, Long> nanos = new LinkedHashMap<>();
        long exactNanos = 0;
        int exactRuns = 0;
        String apiPlan;
        String forcedPlan;
        String exactPlan;
        try (Connection c = db.connect(); ProgressBar bar = Progress.bar("recall@10", texts.size(), "q")) {
            apiPlan = plan(c, vectors.getFirst(), efSearch, Mode.AS_QUERY_API);
            forcedPlan = plan(c, vectors.getFirst(), efSearch, Mode.HNSW_FORCED);
            if (!forcedPlan.contains(INDEX)) {
                throw new IllegalStateException("cannot make PostgreSQL search through " + INDEX + "; plan: " + forcedPlan);
            }
            exactPlan = plan(c, vectors.getFirst(), efSearch, Mode.EXACT);
            for (int i = 0; i < texts.size(); i++) {
                float[] vector = vectors.get(i);
                long t0 = System.nanoTime();
                Recall.Ranked exact = sql(c, vector, null, 0, Mode.EXACT);
                Recall.Ranked exactFiltered = sql(c, vector, typeFilters.get(i), 0, Mode.EXACT);
                exactNanos += System.nanoTime() - t0;
                exactRuns += 2;
                t0 = System.nanoTime();
                record(recalls, nanos, "query-api /v1/search, no filter", Recall.atK(api(api, token, texts.get(i), null), exact, K), t0);
                t0 = System.nanoTime();
                record(recalls, nanos, "query-api /v1/search, decision_type filter",
                        Recall.atK(api(api, token, texts.get(i), typeFilters.get(i)), exactFiltered, K), t0);
                for (int ef : curve) {
                    t0 = System.nanoTime();
                    record(recalls, nanos, "SQL over JDBC through the HNSW index, hnsw.ef_search = " + ef + ", no filter",
                            Recall.atK(sql(c, vector, null, ef, Mode.HNSW_FORCED), exact, K), t0);
                }
                bar.step();
            }
        }
        List<Row> rows = new ArrayList<>();
        recalls.forEach((label, values) -> rows.add(new Row(label, values.size(), Recall.mean(values),
                values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                (int) values.stream().filter(r -> r < 1.0).count(), nanos.get(label) / 1e6 / values.size())));
        return new Result(rows, exactRuns == 0 ? Double.NaN : exactNanos / 1e6 / exactRuns, apiPlan, forcedPlan, exactPlan);
    }

    private static void record(Map<String, List<Double>> recalls, Map<String, Long> nanos, String label, double recall, long t0) {
        nanos.merge(label, System.nanoTime() - t0, Long::sum);
        recalls.computeIfAbsent(label, l -> new ArrayList<>()).add(recall);
    }

    private static Recall.Ranked api(ApiClient api, String token, String text, String decisionType) throws Exception {
        ObjectNode body = EventJson.MAPPER.createObjectNode().put("query", text).put("limit", K);
        if (decisionType != null) {
            body.putObject("filters").putArray("decision_type").add(decisionType);
        }
        JsonNode data = api.postExpecting("/v1/search", token, body.toString(), 200);
        List<String> ids = new ArrayList<>();
        List<Double> distances = new ArrayList<>();
        for (JsonNode hit : data.path("results")) {
            ids.add(hit.path("decision").path("id").asText());
            distances.add(1 - hit.path("similarity_score").asDouble());
        }
        return new Recall.Ranked(ids, distances);
    }

    /**
     * How a statement may be planned: as query-api runs it (the planner chooses); through the HNSW index whatever the
     * planner thinks (sequential scans and sorts off: on a small table it would rather sort every row, which is exact,
     * and an index scan in ORDER BY distance order is only the HNSW one); or exact (index scans off, so every distance
     * is computed and sorted).
     */
    private enum Mode { AS_QUERY_API, HNSW_FORCED, EXACT }

    /** The search statement of query-api for the top K current decisions, planned as {@code mode} says. */
    private static Recall.Ranked sql(Connection c, float[] vector, String decisionType, int efSearch, Mode mode) throws SQLException {
        c.setAutoCommit(false);
        try {
            settings(c, efSearch, mode);
            try (PreparedStatement s = c.prepareStatement(statement(decisionType != null))) {
                PGhalfvec v = new PGhalfvec(vector);
                s.setObject(1, v);
                int next = 2;
                if (decisionType != null) {
                    s.setArray(next++, c.createArrayOf("text", new String[] {decisionType}));
                }
                s.setObject(next, v);
                s.setInt(next + 1, K);
                List<String> ids = new ArrayList<>();
                List<Double> distances = new ArrayList<>();
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getString(1));
                        distances.add(rows.getDouble(2));
                    }
                }
                return new Recall.Ranked(ids, distances);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static String statement(boolean typeFilter) {
        return "SELECT d.id::text, d.embedding <=> ? FROM decisions d WHERE " + (typeFilter ? "d.decision_type = ANY(?) AND " : "")
                + "d.valid_to IS NULL AND d.embedding IS NOT NULL ORDER BY d.embedding <=> ? LIMIT ?";
    }

    private static void settings(Connection c, int efSearch, Mode mode) throws SQLException {
        try (Statement s = c.createStatement()) {
            if (mode == Mode.EXACT) {
                s.execute("SET LOCAL enable_indexscan = off");
                s.execute("SET LOCAL enable_bitmapscan = off");
                s.execute("SET LOCAL enable_indexonlyscan = off");
            } else {
                s.execute("SET LOCAL hnsw.ef_search = " + efSearch);
                s.execute("SET LOCAL hnsw.iterative_scan = strict_order");
                if (mode == Mode.HNSW_FORCED) {
                    s.execute("SET LOCAL enable_seqscan = off");
                    s.execute("SET LOCAL enable_sort = off");
                }
            }
        }
    }

    /** EXPLAIN of query-api's search statement, to show which plan answers it. */
    private static String plan(Connection c, float[] vector, int efSearch, Mode mode) throws SQLException {
        c.setAutoCommit(false);
        try {
            settings(c, efSearch, mode);
            try (PreparedStatement s = c.prepareStatement("EXPLAIN SELECT d.id, d.embedding <=> ? AS distance "
                    + "FROM decisions d WHERE d.valid_to IS NULL AND d.embedding IS NOT NULL ORDER BY d.embedding <=> ? LIMIT ?")) {
                PGhalfvec v = new PGhalfvec(vector);
                s.setObject(1, v);
                s.setObject(2, v);
                s.setInt(3, K);
                List<String> lines = new ArrayList<>();
                try (ResultSet rows = s.executeQuery()) {
                    // Plan nodes only (the first line and the "->" ones); their details would print the whole vector.
                    while (rows.next()) {
                        String line = rows.getString(1).strip();
                        if (lines.isEmpty() || line.startsWith("->")) {
                            lines.add(line.replaceFirst("^->\\s*", "").replaceAll("\\s*\\(cost=.*\\)$", ""));
                        }
                    }
                }
                return String.join(" → ", lines);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }
}
