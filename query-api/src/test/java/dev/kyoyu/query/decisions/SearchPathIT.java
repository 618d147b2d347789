package dev.kyoyu.query.decisions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pgvector.PGhalfvec;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.Vectors;
import io.opentelemetry.api.OpenTelemetry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Which way {@link DecisionStatements#search} ranks: every decision the filters leave, exactly, when the planner
 * expects few of them; through the HNSW graph otherwise. Random vectors: 3,000 decisions, 300 of them "rare".
 */
class SearchPathIT {
    private static final ReadScope EVERYONE = ReadScope.everyone("admin");
    private static final int DIMENSIONS = 384;

    private static TestDatabase db;
    private static Connection connection;
    private final DecisionStatements statements = new DecisionStatements(OpenTelemetry.noop().getTracer("test"));
    private final float[] query = randomVector(new Random(7));

    @BeforeAll
    static void start() throws SQLException {
        db = TestDatabase.create();
        connection = db.connect();
        Random random = new Random(42);
        try (PreparedStatement insert = connection.prepareStatement("""
                INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, valid_from, source_event_id, embedding)
                VALUES (?, ?, ?, ?, 'done', now(), ?, ?)""")) {
            for (int i = 0; i < 3000; i++) {
                insert.setObject(1, UUID.randomUUID());
                insert.setObject(2, UUID.randomUUID());
                insert.setString(3, "agent-" + i % 20);
                insert.setString(4, i % 10 == 0 ? "rare" : "common");
                insert.setObject(5, UUID.randomUUID());
                insert.setObject(6, new PGhalfvec(randomVector(random)));
                insert.addBatch();
            }
            insert.executeBatch();
        }
        try (Statement analyze = connection.createStatement()) {
            // VACUUM sets the visibility map, as autovacuum does in service, so the covering index can be read alone.
            analyze.execute("VACUUM ANALYZE decisions");
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        connection.close();
        db.close();
    }

    @Test
    @DisplayName("a filter the planner expects to leave few decisions ranks them all exactly, without the graph")
    void ranksANarrowFilterExactly() throws SQLException {
        long scans = graphScans();
        List<DecisionStatements.Hit> hits = search(List.of("rare"), new SearchTuning(40, 1000));
        assertEquals(exactNearest("rare", 10), ids(hits));
        assertEquals(scans, graphScans(), "the HNSW index was not scanned");
    }

    @Test
    @DisplayName("a search that leaves more decisions than the cutoff walks the HNSW graph, nearest first")
    void walksTheGraphWhenTheFilterLeavesMany() throws SQLException {
        long scans = graphScans();
        List<DecisionStatements.Hit> hits = search(null, new SearchTuning(40, 1000));
        assertTrue(graphScans() > scans, "the HNSW index was scanned");
        assertEquals(10, hits.size());
        for (int i = 1; i < hits.size(); i++) {
            assertTrue(hits.get(i - 1).similarityScore() >= hits.get(i).similarityScore(), "ordered by similarity");
        }
    }

    @Test
    @DisplayName("a filter that leaves more than the cutoff goes through the graph and keeps to the filter")
    void walksTheGraphUnderAWideFilter() throws SQLException {
        long scans = graphScans();
        List<DecisionStatements.Hit> hits = search(List.of("common"), new SearchTuning(40, 1000));
        assertTrue(graphScans() > scans, "the HNSW index was scanned");
        assertEquals(10, hits.size());
        assertTrue(hits.stream().allMatch(h -> h.decision().decisionType().equals("common")), hits.toString());
    }

    @Test
    @DisplayName("raising the cutoff above what a filter leaves ranks those decisions exactly instead")
    void theCutoffDecides() throws SQLException {
        long scans = graphScans();
        List<DecisionStatements.Hit> hits = search(List.of("common"), new SearchTuning(40, 5000));
        assertEquals(exactNearest("common", 10), ids(hits));
        assertEquals(scans, graphScans(), "the HNSW index was not scanned");
    }

    @Test
    @DisplayName("an exact ranking within a decision type reads the type's vectors from their covering index")
    void ranksATypeFromItsCoveringIndex() throws SQLException {
        long scans = scans("decisions_type_embedding_idx");
        assertEquals(exactNearest("rare", 10), ids(search(List.of("rare"), new SearchTuning(40, 1000))));
        assertTrue(scans("decisions_type_embedding_idx") > scans, "decisions_type_embedding_idx was scanned");
        try (PreparedStatement explain = connection.prepareStatement("""
                EXPLAIN SELECT d.id FROM decisions d WHERE d.decision_type = 'rare' AND d.valid_to IS NULL
                AND d.embedding IS NOT NULL ORDER BY (d.embedding <=> ?) + 0 LIMIT 10""")) {
            explain.setObject(1, new PGhalfvec(query));
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = explain.executeQuery()) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            assertTrue(plan.toString().contains("Index Only Scan using decisions_type_embedding_idx"), plan.toString());
        }
    }

    private List<DecisionStatements.Hit> search(List<String> types, SearchTuning tuning) throws SQLException {
        DecisionFilter filter = new DecisionFilter(null, null, types, null, null, null, null);
        List<DecisionStatements.Hit> hits = statements.search(connection, query, filter, TimeSlice.CURRENT, EVERYONE, 10, tuning, Set.of());
        connection.setAutoCommit(true);
        return hits;
    }

    /**
     * The ids of the {@code limit} decisions of one type nearest to the query, by cosine distance computed here
     * with the query at the half precision the database compares it in.
     */
    private List<UUID> exactNearest(String type, int limit) throws SQLException {
        List<Map.Entry<UUID, Double>> all = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement("SELECT id, embedding FROM decisions WHERE decision_type = ?")) {
            select.setString(1, type);
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    float[] vector = new PGhalfvec(rows.getString(2)).toArray();
                    all.add(Map.entry(rows.getObject(1, UUID.class), 1 - Vectors.cosine(halfPrecision(query), vector)));
                }
            }
        }
        return all.stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder())).limit(limit).map(Map.Entry::getKey).toList();
    }

    private static long graphScans() throws SQLException {
        return scans("decisions_embedding_idx");
    }

    /** Scans of an index so far; the forced flush makes this connection's last statements count. */
    private static long scans(String index) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_force_next_flush()");
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT idx_scan FROM pg_stat_user_indexes WHERE indexrelname = ?")) {
                select.setString(1, index);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }
    }

    private static List<UUID> ids(List<DecisionStatements.Hit> hits) {
        return hits.stream().map(h -> h.decision().id()).toList();
    }

    private static float[] halfPrecision(float[] vector) {
        float[] rounded = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            rounded[i] = Float.float16ToFloat(Float.floatToFloat16(vector[i]));
        }
        return rounded;
    }

    private static float[] randomVector(Random random) {
        float[] vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }
}
