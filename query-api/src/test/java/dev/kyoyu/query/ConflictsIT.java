package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GET /v1/conflicts over the conflicts table of changeset 007, in a real PostgreSQL. */
class ConflictsIT {
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        conflict("loan_approval", "risk", "sales", "2026-04-01T10:00:00Z");
        conflict("loan_approval", "risk", "audit", "2026-04-02T10:00:00Z");
        conflict("fraud_check", "sales", "audit", "2026-04-03T10:00:00Z");
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('risk', 'sales')");
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static void conflict(String type, String agentA, String agentB, String detectedAt) {
        DecisionRows.execute(db, """
                INSERT INTO conflicts (id, decision_type, decision_a_id, decision_b_id, agent_a_id, agent_b_id, outcome_a, outcome_b, detected_at)
                VALUES (?, ?, ?, ?, ?, ?, 'approve', 'deny', ?::timestamptz)""",
                UUID.randomUUID(), type, UUID.randomUUID(), UUID.randomUUID(), agentA, agentB, detectedAt);
    }

    private static List<String> pairs(String query, String token) {
        HttpJson.Response response = http.get("/v1/conflicts" + query, token);
        assertEquals(200, response.status(), response.raw().body());
        List<String> pairs = new ArrayList<>();
        response.data().path("conflicts").forEach(c -> pairs.add(c.path("agent_a_id").asText() + "/" + c.path("agent_b_id").asText()));
        assertEquals(pairs.size(), response.data().path("total").asInt());
        return pairs;
    }

    @Test
    void listsConflictsNewestFirstWithFilters() {
        String admin = QueryTestApp.adminToken();
        assertEquals(List.of("sales/audit", "risk/audit", "risk/sales"), pairs("", admin));
        assertEquals(List.of("sales/audit", "risk/sales"), pairs("?agent_id=sales", admin), "either side matches");
        assertEquals(List.of("risk/audit", "risk/sales"), pairs("?decision_type=loan_approval", admin));
        assertEquals(List.of("risk/audit"), pairs("?from=2026-04-02T00:00:00Z&to=2026-04-03T00:00:00Z", admin));
        HttpJson.Response first = http.get("/v1/conflicts?limit=1&offset=1", admin);
        assertEquals(3, first.data().path("total").asInt());
        assertEquals("risk", first.data().path("conflicts").get(0).path("agent_a_id").asText());
        assertEquals("deny", first.data().path("conflicts").get(0).path("outcome_b").asText());
        assertEquals("2026-04-02T10:00:00Z", first.data().path("conflicts").get(0).path("detected_at").asText());
        HttpJson.Response beyond = http.get("/v1/conflicts?offset=10", admin);
        assertEquals(0, beyond.data().path("conflicts").size());
        assertEquals(3, beyond.data().path("total").asInt(), "a page past the end still counts the total");
    }

    @Test
    @DisplayName("an agent sees a conflict only when it may read both agents' decisions")
    void showsConflictsBetweenReadableAgentsOnly() {
        assertEquals(List.of("risk/sales"), pairs("", QueryTestApp.token("risk")), "risk reads sales by grant, not audit");
        assertEquals(List.of(), pairs("", QueryTestApp.token("sales")));
        HttpJson.Response forbidden = http.get("/v1/conflicts?agent_id=audit", QueryTestApp.token("risk"));
        assertEquals(403, forbidden.status());
        assertEquals("agent_id", forbidden.error().path("details").path("field").asText());
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource({"?limit=-1, limit", "?from=tuesday, from", "?agent_id=a%20b, agent_id", "?kind=x, kind",
            "?from=2026-04-02T00:00:00Z&to=2026-04-01T00:00:00Z, from"})
    void badParametersAre400NamingTheField(String query, String field) {
        HttpJson.Response response = http.get("/v1/conflicts" + query, QueryTestApp.adminToken());
        assertEquals(400, response.status());
        assertEquals(field, response.error().path("details").path("field").asText());
    }
}
