package dev.kyoyu.embedder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.embedder.provider.StubEmbeddingServer;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.TestDatabase;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The embedder with KYOYU_EMBEDDING_PROVIDER=openai against a stub API and a real PostgreSQL. */
class HttpProviderEmbeddingIT {
    private TestDatabase db;
    private StubEmbeddingServer stub;

    @BeforeEach
    void start() throws Exception {
        db = TestDatabase.create();
        stub = new StubEmbeddingServer();
    }

    @AfterEach
    void stop() {
        stub.close();
        db.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = EmbedderTestEnv.env(db);
        env.put("KYOYU_EMBEDDING_PROVIDER", "openai");
        env.put("KYOYU_EMBEDDING_URL", stub.openAiUrl().toString());
        env.put("KYOYU_EMBEDDING_MODEL", "stub-model");
        env.put("KYOYU_EMBEDDING_API_KEY", "sk-stub");
        return env;
    }

    @Test
    @DisplayName("vectors come from the provider; a text it refuses is set aside and the rest go on")
    void storesProviderVectorsAndSetsAsideRefusedRows() throws Exception {
        Decisions.insert(db, "loan_approval", "approve", "fine", "{}");
        UUID refused = Decisions.insert(db, "loan_approval", "deny", "REFUSE me", "{}");
        Decisions.insert(db, "loan_approval", "review", "unclear", "{}");
        try (EmbedderApp app = EmbedderApp.start(EmbedderConfig.fromEnv(env()))) {
            Await.until(Duration.ofSeconds(30), "two vectors and one refusal", () ->
                    db.queryLong("SELECT count(*) FROM decisions WHERE embedding_model = 'openai:stub-model'") == 2
                            && db.queryLong("SELECT count(*) FROM decisions WHERE embedding_error IS NOT NULL") == 1);
            assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE id = ? AND embedding IS NULL AND embedding_error LIKE '%400%'", refused));
            assertEquals(200, EmbedderTestEnv.get(app.port(), "/health").statusCode());
            assertTrue(stub.requests().stream().allMatch(r -> "Bearer sk-stub".equals(r.authorization())));
        }
    }

    @Test
    @DisplayName("a rejected key fails /health and retries; once the provider accepts, the backlog drains")
    void misconfiguredProviderFailsHealthAndRecovers() throws Exception {
        stub.forceStatus(401);
        Decisions.insert(db, "loan_approval", "approve", "fine", "{}");
        try (EmbedderApp app = EmbedderApp.start(EmbedderConfig.fromEnv(env()))) {
            Await.until(Duration.ofSeconds(30), "/health reports the misconfiguration",
                    () -> EmbedderTestEnv.get(app.port(), "/health").statusCode() == 503);
            assertTrue(EmbedderTestEnv.get(app.port(), "/health").body().contains("misconfigured"));
            assertEquals(0, db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NOT NULL OR embedding_error IS NOT NULL"),
                    "nothing is set aside for a provider-wide problem");
            stub.forceStatus(503);
            Await.until(Duration.ofSeconds(30), "retriable failures are counted",
                    () -> EmbedderTestEnv.metric(app.port(), "kyoyu_embedding_failures_total", "kind=\"retriable\"") > 0);
            stub.forceStatus(0);
            Await.until(Duration.ofSeconds(30), "the decision gets its vector",
                    () -> db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NOT NULL") == 1);
            Await.until(Duration.ofSeconds(10), "/health is back", () -> EmbedderTestEnv.get(app.port(), "/health").statusCode() == 200);
        }
    }
}
