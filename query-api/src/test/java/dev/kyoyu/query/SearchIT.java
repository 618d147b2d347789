package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.embedder.EmbedderApp;
import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** POST /v1/search with the real MiniLM model on both sides (embedder and query) and real pgvector HNSW. */
class SearchIT {
    private static final String AGENT = "search-agent";
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;
    private static UUID loan;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        loan = decision(AGENT, "loan_approval", "approve").confidence(0.86)
                .reasoning("The applicant has a high, stable salary; the monthly income covers the loan installment three times.")
                .evidence("document", "payslip: net income 9,500 EUR per month").insert(db);
        decision(AGENT, "server_scaling", "add two replicas").confidence(0.9)
                .reasoning("CPU above 80 percent for ten minutes on the checkout service").insert(db);
        decision(AGENT, "content_moderation", "remove post").confidence(0.7)
                .reasoning("The post contains spam links to a phishing site").insert(db);
        decision(AGENT, "route_planning", "take the northern route").confidence(0.6)
                .reasoning("The southern highway is closed for construction").insert(db);
        decision("other-agent", "loan_approval", "approve").confidence(0.9)
                .reasoning("High income customer, low debt, approved the mortgage").insert(db);
        try (EmbedderApp embedder = EmbedderApp.start(EmbedderConfig.fromEnv(Map.of(
                "KYOYU_EMBEDDER_PORT", "0", "KYOYU_PG_URL", db.url(), "KYOYU_PG_USER", TestStack.pgUser(),
                "KYOYU_PG_PASSWORD", TestStack.pgPassword(), "KYOYU_EMBEDDER_IDLE_BACKOFF_MIN", "20ms")))) {
            Await.until(Duration.ofSeconds(60), "every decision is embedded",
                    () -> db.queryLong("SELECT count(*) FROM decisions WHERE embedding IS NULL") == 0);
        }
        // Not embedded yet: a decision the embedder has not reached takes no part in search.
        decision(AGENT, "loan_approval", "approve").reasoning("high income customer").insert(db);
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static JsonNode search(String token, Map<String, Object> body) {
        HttpJson.Response response = http.postJson("/v1/search", token, body);
        assertEquals(200, response.status(), response.raw().body());
        return response.data();
    }

    @Test
    @DisplayName("a query about a loan for a high-income customer ranks the loan approval above unrelated decisions")
    void ranksTheSemanticallyCloseDecisionFirst() {
        JsonNode answer = search(QueryTestApp.token(AGENT), Map.of("query", "loan approval for a customer with high income", "limit", 10));
        JsonNode results = answer.path("results");
        assertEquals(4, results.size(), "the caller's four embedded decisions");
        assertEquals(loan.toString(), results.get(0).path("decision").path("id").asText());
        double best = results.get(0).path("similarity_score").asDouble();
        double next = results.get(1).path("similarity_score").asDouble();
        assertTrue(best > 0.4 && best <= 1.0, "similarity " + best);
        assertTrue(best > next + 0.15, "a clear margin: " + best + " vs " + next);
        for (int i = 1; i < results.size(); i++) {
            assertTrue(results.get(i - 1).path("similarity_score").asDouble() >= results.get(i).path("similarity_score").asDouble());
        }
        assertEquals("all-minilm-l6-v2-q", answer.path("model").asText());
    }

    @Test
    void appliesTheStructuredFiltersAndTheCallersScope() {
        JsonNode filtered = search(QueryTestApp.token(AGENT), Map.of("query", "loan approval for a customer with high income",
                "filters", Map.of("decision_type", List.of("server_scaling", "route_planning"))));
        assertEquals(2, filtered.path("results").size());
        filtered.path("results").forEach(r -> assertTrue(r.path("decision").path("decision_type").asText().matches("server_scaling|route_planning")));
        JsonNode admin = search(QueryTestApp.adminToken(), Map.of("query", "mortgage for a wealthy client",
                "filters", Map.of("decision_type", "loan_approval"), "limit", 5, "include", List.of("evidence")));
        assertEquals(2, admin.path("results").size(), "both agents' embedded loan decisions");
        assertEquals(403, http.postJson("/v1/search", QueryTestApp.token(AGENT),
                Map.of("query", "x", "filters", Map.of("agent_id", "other-agent"))).status());
    }

    @Test
    void namesTheBadField() {
        String token = QueryTestApp.token(AGENT);
        assertEquals("query", http.postJson("/v1/search", token, Map.of()).error().path("details").path("field").asText());
        assertEquals("query", http.postJson("/v1/search", token, Map.of("query", "  ")).error().path("details").path("field").asText());
        assertEquals("limit", http.postJson("/v1/search", token, Map.of("query", "x", "limit", 1000)).error().path("details").path("field").asText());
        assertEquals("filters.confidence_min", http.postJson("/v1/search", token,
                Map.of("query", "x", "filters", Map.of("confidence_min", -1))).error().path("details").path("field").asText());
        assertEquals("order_by", http.postJson("/v1/search", token, Map.of("query", "x", "order_by", "confidence"))
                .error().path("details").path("field").asText());
    }

    @Test
    void recordsSimilarityScores() {
        search(QueryTestApp.token(AGENT), Map.of("query", "scale the web servers", "limit", 3));
        String metrics = http.get("/metrics", null).raw().body();
        assertTrue(metrics.contains("kyoyu_search_similarity_score_count"), metrics);
        assertTrue(metrics.contains("kyoyu_query_duration_seconds_count{query_type=\"search\""));
    }
}
