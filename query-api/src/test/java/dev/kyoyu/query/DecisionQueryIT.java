package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** POST /v1/query over HTTP against decision rows in a real PostgreSQL. */
class DecisionQueryIT {
    private static final String RISK = "risk-agent";
    private static final String OTHER = "other-agent";
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;
    private static UUID approved;
    private static UUID superseded;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        approved = decision(RISK, "loan_approval", "approve").confidence(0.9).validFrom("2026-01-10T09:00:00Z")
                .reasoning("income covers the installment 3 times")
                .metadata("{\"case\":\"c-1\",\"embedding\":[0.1,0.2]}")
                .alternative("approve", 0.9, true, null).alternative("deny", 0.1, false, "no risk signal")
                .evidence("document", "payslip: net income 4,200 EUR").insert(db);
        decision(RISK, "loan_approval", "deny").confidence(0.4).validFrom("2026-01-12T09:00:00Z").insert(db);
        decision(RISK, "fraud_check", "flag").confidence(0.7).validFrom("2026-01-11T09:00:00Z").insert(db);
        decision(RISK, "loan_approval", "review").validFrom("2026-01-09T09:00:00Z").insert(db);
        superseded = decision(RISK, "loan_approval", "approve").confidence(0.8)
                .validFrom("2026-01-05T09:00:00Z").validTo("2026-01-06T09:00:00Z").insert(db);
        decision(OTHER, "loan_approval", "deny").confidence(0.95).validFrom("2026-01-13T09:00:00Z").insert(db);
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('auditor', ?)", RISK);
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static HttpJson.Response query(String token, Object body) {
        return http.postJson("/v1/query", token, body);
    }

    private static List<String> outcomes(HttpJson.Response response) {
        assertEquals(200, response.status(), response.raw().body());
        List<String> outcomes = new ArrayList<>();
        response.data().path("decisions").forEach(d -> outcomes.add(d.path("outcome").asText()));
        return outcomes;
    }

    @Test
    void filtersByTypeOutcomeConfidenceAndValidTimeRange() {
        String token = QueryTestApp.token(RISK);
        assertEquals(List.of("deny", "approve", "review"),
                outcomes(query(token, Map.of("filters", Map.of("decision_type", "loan_approval")))));
        assertEquals(List.of("approve"), outcomes(query(token, Map.of("filters", Map.of(
                "decision_type", "loan_approval", "outcome", List.of("approve", "escalate"))))));
        assertEquals(List.of("flag", "approve"), outcomes(query(token, Map.of("filters", Map.of("confidence_min", 0.7)))));
        assertEquals(List.of("flag", "approve"), outcomes(query(token, Map.of("filters", Map.of("time_range",
                Map.of("from", "2026-01-10T00:00:00Z", "to", "2026-01-12T00:00:00Z"))))));
    }

    @Test
    @DisplayName("only currently valid rows by default; include_superseded adds closed versions")
    void onlyCurrentRowsUnlessSupersededAreAsked() {
        String token = QueryTestApp.token(RISK);
        HttpJson.Response current = query(token, Map.of());
        assertEquals(4, current.data().path("total").asLong());
        current.data().path("decisions").forEach(d -> assertTrue(d.path("valid_to").isNull()));
        HttpJson.Response all = query(token, Map.of("include_superseded", true));
        assertEquals(5, all.data().path("total").asLong());
        JsonNode last = all.data().path("decisions").get(4);
        assertEquals(superseded.toString(), last.path("id").asText());
        assertEquals("2026-01-06T09:00:00Z", last.path("valid_to").asText());
    }

    @Test
    void includesAlternativesAndEvidenceOnlyWhenAsked() {
        String token = QueryTestApp.token(RISK);
        Map<String, Object> filters = Map.of("outcome", "approve");
        JsonNode plain = query(token, Map.of("filters", filters)).data().path("decisions").get(0);
        assertEquals(approved.toString(), plain.path("id").asText());
        assertTrue(plain.path("alternatives").isMissingNode());
        assertTrue(plain.path("evidence").isMissingNode());
        assertEquals("c-1", plain.path("metadata").path("case").asText());
        assertTrue(plain.path("metadata").path("embedding").isMissingNode(), "a client vector is not echoed back");

        JsonNode full = query(token, Map.of("filters", filters, "include", List.of("alternatives", "evidence")))
                .data().path("decisions").get(0);
        assertEquals(2, full.path("alternatives").size());
        assertEquals("approve", full.path("alternatives").get(0).path("label").asText());
        assertTrue(full.path("alternatives").get(0).path("selected").asBoolean());
        assertEquals("no risk signal", full.path("alternatives").get(1).path("rejection_reason").asText());
        assertEquals("payslip: net income 4,200 EUR", full.path("evidence").get(0).path("content").asText());
        assertEquals(0, query(token, Map.of("filters", Map.of("outcome", "flag"), "include", List.of("evidence")))
                .data().path("decisions").get(0).path("evidence").size());
    }

    @Test
    void ordersAndPagesWithTheTotal() {
        String token = QueryTestApp.token(RISK);
        assertEquals(List.of("approve", "flag", "deny", "review"),
                outcomes(query(token, Map.of("order_by", "confidence", "order_dir", "desc"))), "no confidence sorts last");
        assertEquals(List.of("review", "approve"), outcomes(query(token, Map.of("order_dir", "asc", "limit", 2))));
        HttpJson.Response second = query(token, Map.of("order_dir", "asc", "limit", 2, "offset", 2));
        assertEquals(List.of("flag", "deny"), outcomes(second));
        assertEquals(4, second.data().path("total").asLong());
        assertEquals(2, second.data().path("limit").asInt());
        assertEquals(2, second.data().path("offset").asInt());
        HttpJson.Response beyond = query(token, Map.of("offset", 100));
        assertEquals(0, beyond.data().path("decisions").size());
        assertEquals(4, beyond.data().path("total").asLong());
    }

    @Test
    @DisplayName("an agent reads its own decisions and its grantors'; admins read all; asking for others is 403")
    void readsWhatTheCallerMayRead() {
        assertEquals(4, query(QueryTestApp.token(RISK), Map.of()).data().path("total").asLong());
        assertEquals(1, query(QueryTestApp.token(OTHER), Map.of()).data().path("total").asLong());
        assertEquals(0, query(QueryTestApp.token("stranger"), Map.of()).data().path("total").asLong());
        assertEquals(4, query(QueryTestApp.token("auditor"), Map.of()).data().path("total").asLong(), "granted by risk-agent");
        assertEquals(5, query(QueryTestApp.adminToken(), Map.of()).data().path("total").asLong());
        assertEquals(2, query(QueryTestApp.adminToken(), Map.of("filters", Map.of("agent_id", List.of(RISK, OTHER),
                "outcome", "deny"))).data().path("total").asLong());

        HttpJson.Response forbidden = query(QueryTestApp.token("auditor"), Map.of("filters", Map.of("agent_id", List.of(RISK, OTHER))));
        assertEquals(403, forbidden.status());
        assertEquals("FORBIDDEN", forbidden.error().path("code").asText());
        assertEquals("filters.agent_id", forbidden.error().path("details").path("field").asText());
        assertEquals(OTHER, forbidden.error().path("details").path("agent_id").asText());
        assertEquals(401, query(null, Map.of()).status());
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"filters\":{\"confidence_min\":1.5}}|filters.confidence_min",
            "{\"filters\":{\"confidence_min\":\"high\"}}|filters.confidence_min",
            "{\"filters\":{\"time_range\":{\"from\":\"yesterday\"}}}|filters.time_range.from",
            "{\"filters\":{\"time_range\":{\"from\":\"2026-01-02T00:00:00Z\",\"to\":\"2026-01-01T00:00:00Z\"}}}|filters.time_range",
            "{\"filters\":{\"time_range\":{\"since\":\"2026-01-02T00:00:00Z\"}}}|filters.time_range.since",
            "{\"filters\":{\"agent_id\":[\"ok\",\"not ok\"]}}|filters.agent_id",
            "{\"filters\":{\"agent_id\":[]}}|filters.agent_id",
            "{\"filters\":{\"run_id\":\"r-1\"}}|filters.run_id",
            "{\"filters\":{\"decision_type\":7}}|filters.decision_type",
            "{\"filters\":{\"outcome\":[\"a\",3]}}|filters.outcome[1]",
            "{\"filters\":{\"agent\":\"x\"}}|filters.agent",
            "{\"filters\":[]}|filters",
            "{\"include\":[\"reasons\"]}|include[0]",
            "{\"include\":\"evidence\"}|include",
            "{\"order_by\":\"outcome\"}|order_by",
            "{\"order_dir\":\"up\"}|order_dir",
            "{\"limit\":0}|limit",
            "{\"limit\":100000}|limit",
            "{\"limit\":2.5}|limit",
            "{\"offset\":-1}|offset",
            "{\"include_superseded\":\"yes\"}|include_superseded",
            "{\"as_of\":\"2026-01-01T00:00:00Z\"}|as_of",
            "[]|body"})
    void badRequestsAre400NamingTheField(String body, String field) {
        HttpJson.Response response = http.post("/v1/query", QueryTestApp.token(RISK), "application/json", body);
        assertEquals(400, response.status(), response.raw().body());
        assertEquals("INVALID_INPUT", response.error().path("code").asText());
        assertEquals(field, response.error().path("details").path("field").asText(), response.raw().body());
        assertFalse(response.body().path("meta").path("request_id").asText().isEmpty());
    }

    @Test
    @DisplayName("filter values are bound parameters: SQL in a value is only a value")
    void valuesNeverBecomeSql() {
        String token = QueryTestApp.adminToken();
        assertEquals(0, query(token, Map.of("filters", Map.of("decision_type", "x' OR '1'='1"))).data().path("total").asLong());
        assertEquals(0, query(token, Map.of("filters", Map.of("agent_id", List.of("a'--")))).data().path("total").asLong());
        assertEquals(6, db.queryLong("SELECT count(*) FROM decisions"));
    }

    @Test
    void answersInTheEnvelopeAndRecordsMetrics() throws Exception {
        HttpJson.Response response = query(QueryTestApp.token(RISK), Map.of("limit", 1));
        assertTrue(response.body().path("meta").path("timestamp").isTextual());
        String metrics = http.get("/metrics", null).raw().body();
        assertTrue(metrics.contains("kyoyu_query_duration_seconds_count{query_type=\"structured\""), metrics);
        assertTrue(metrics.contains("kyoyu_query_result_rows_count{query_type=\"structured\""));
        assertTrue(metrics.contains("kyoyu_query_results_total{query_type=\"structured\""));
        assertTrue(metrics.contains("kyoyu_query_duration_seconds_count{query_type=\"temporal\""), "every type is registered up front");
        // Hikari's own meters, per pool: utilisation is active / max.
        assertTrue(metrics.contains("hikaricp_connections_active{pool=\"query-primary\""), metrics);
        assertTrue(metrics.contains("hikaricp_connections_max{pool=\"query-primary\""));
        assertTrue(EventJson.MAPPER.readTree(http.get("/health", null).raw().body()).path("data").path("checks").has("kafka"));
    }
}
