package dev.kyoyu.embedder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pgvector.PGhalfvec;
import dev.kyoyu.embedder.claim.DecisionText;
import dev.kyoyu.embedder.provider.LocalMiniLmProvider;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedder with the in-process MiniLM model against a real PostgreSQL + pgvector. */
class LocalEmbeddingIT {
    private TestDatabase db;

    @BeforeEach
    void createDatabase() {
        db = TestDatabase.create();
    }

    @AfterEach
    void dropDatabase() {
        db.close();
    }

    @Test
    @DisplayName("stored decisions get the model's vector of their type, outcome, reasoning and evidence")
    void embedsDecisionTextWithTheLocalModel() throws Exception {
        UUID loan = Decisions.insert(db, "loan_approval", "approve", "income covers the installment 3 times", "{}",
                "payslip: net income 4,200 EUR", "no open credit lines");
        UUID bare = Decisions.insert(db, "server_scaling", "add two replicas", null, "{}");
        try (EmbedderApp app = EmbedderApp.start(EmbedderConfig.fromEnv(EmbedderTestEnv.env(db)))) {
            Await.until(Duration.ofSeconds(60), "both decisions have a vector",
                    () -> db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NOT NULL") == 2);
            assertEquals(2, db.queryLong("SELECT count(*) FROM decisions WHERE embedding_model = 'all-minilm-l6-v2-q' AND embedded_at IS NOT NULL"));
            assertEquals(200, EmbedderTestEnv.get(app.port(), "/health").statusCode());
            Await.until(Duration.ofSeconds(5), "the counter shows both",
                    () -> EmbedderTestEnv.metric(app.port(), "kyoyu_embeddings_stored_total", "source=\"model\"") == 2);
            String metrics = EmbedderTestEnv.get(app.port(), "/metrics").body();
            assertTrue(metrics.contains("hikaricp_connections_max{pool=\"embedder\""), metrics);
            assertTrue(metrics.contains("kyoyu_embedding_backlog"));
        }
        String text = DecisionText.of("loan_approval", "approve", "income covers the installment 3 times",
                List.of("payslip: net income 4,200 EUR", "no open credit lines"));
        assertEquals("loan approval: approve. income covers the installment 3 times Evidence: payslip: net income 4,200 EUR; no open credit lines", text);
        try (LocalMiniLmProvider model = new LocalMiniLmProvider(1)) {
            assertTrue(distance(loan, model.embed(text)) < 1e-4, "the stored vector is the model's vector of the decision text");
            assertTrue(distance(bare, model.embed("server scaling: add two replicas.")) < 1e-4);
        }
    }

    @Test
    @DisplayName("a client's own 384-number vector is stored as is; a malformed one falls back to the model")
    void storesClientVectorsAsTheyCame() throws Exception {
        List<String> numbers = new ArrayList<>(Collections.nCopies(384, "0"));
        numbers.set(7, "0.5");
        numbers.set(100, "-0.25");
        UUID own = Decisions.insert(db, "routing", "eu-west", null, "{\"embedding\":[" + String.join(",", numbers) + "]}");
        UUID wrong = Decisions.insert(db, "routing", "us-east", null, "{\"embedding\":[1,2,3]}");
        try (EmbedderApp app = EmbedderApp.start(EmbedderConfig.fromEnv(EmbedderTestEnv.env(db)))) {
            Await.until(Duration.ofSeconds(60), "both have a vector",
                    () -> db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NOT NULL") == 2);
        }
        assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE id = ? AND embedding_model = 'client'", own));
        float[] expected = new float[384];
        expected[7] = 0.5f;
        expected[100] = -0.25f;
        assertTrue(distance(own, expected) < 1e-6);
        assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE id = ? AND embedding_model = 'all-minilm-l6-v2-q'", wrong));
    }

    @Test
    @DisplayName("two embedders share the backlog: every decision is embedded exactly once")
    void severalEmbeddersClaimDisjointBatches() throws Exception {
        int rows = 120;
        for (int i = 0; i < rows; i++) {
            Decisions.insert(db, "ticket_triage", "priority " + (i % 4), "customer report number " + i, "{}");
        }
        var env = EmbedderTestEnv.env(db);
        env.put("KYOYU_EMBEDDER_BATCH_SIZE", "4");
        try (EmbedderApp first = EmbedderApp.start(EmbedderConfig.fromEnv(env));
             EmbedderApp second = EmbedderApp.start(EmbedderConfig.fromEnv(env))) {
            Await.until(Duration.ofSeconds(120), "every decision has a vector",
                    () -> db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NULL") == 0);
            double byFirst = EmbedderTestEnv.metric(first.port(), "kyoyu_embeddings_stored_total", "");
            double bySecond = EmbedderTestEnv.metric(second.port(), "kyoyu_embeddings_stored_total", "");
            assertEquals(rows, byFirst + bySecond, "no row was embedded twice (first " + byFirst + ", second " + bySecond + ")");
        }
    }

    private double distance(UUID id, float[] vector) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement("SELECT embedding <=> ? FROM decisions WHERE id = ?")) {
            s.setObject(1, new PGhalfvec(vector));
            s.setObject(2, id);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getDouble(1);
            }
        }
    }
}
