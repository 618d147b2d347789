package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** GET /v1/agents/{agent_id}/history against a real PostgreSQL. */
class AgentHistoryIT {
    private static final String AGENT = "history-agent";
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        decision(AGENT, "loan_approval", "approve").validFrom("2026-03-01T09:00:00Z").validTo("2026-03-02T09:00:00Z").insert(db);
        decision(AGENT, "loan_approval", "deny").validFrom("2026-03-02T09:00:00Z").evidence("note", "revised after audit").insert(db);
        decision(AGENT, "fraud_check", "clear").validFrom("2026-03-03T09:00:00Z").insert(db);
        decision(AGENT, "fraud_check", "flag").validFrom("2026-03-04T09:00:00Z").insert(db);
        decision("someone-else", "fraud_check", "flag").validFrom("2026-03-04T09:00:00Z").insert(db);
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static List<String> outcomes(String query, String token) {
        HttpJson.Response response = http.get("/v1/agents/" + AGENT + "/history" + query, token);
        assertEquals(200, response.status(), response.raw().body());
        assertEquals(AGENT, response.data().path("agent_id").asText());
        List<String> outcomes = new ArrayList<>();
        response.data().path("decisions").forEach(d -> outcomes.add(d.path("outcome").asText()));
        return outcomes;
    }

    @Test
    void listsEveryVersionNewestFirst() {
        String token = QueryTestApp.token(AGENT);
        assertEquals(List.of("flag", "clear", "deny", "approve"), outcomes("", token));
        assertEquals(List.of("flag", "clear", "deny"), outcomes("?current_only=true", token));
        assertEquals(List.of("approve", "deny"), outcomes("?order_dir=asc&decision_type=loan_approval", token));
        assertEquals(List.of("clear", "deny"), outcomes("?from=2026-03-02T00:00:00Z&to=2026-03-04T00:00:00Z", token));
    }

    @Test
    void pagesWithTheTotal() {
        HttpJson.Response page = http.get("/v1/agents/" + AGENT + "/history?limit=3&offset=3&include=evidence,alternatives",
                QueryTestApp.token(AGENT));
        assertEquals(4, page.data().path("total").asInt());
        assertEquals(1, page.data().path("decisions").size());
        assertEquals("approve", page.data().path("decisions").get(0).path("outcome").asText());
        assertEquals(0, page.data().path("decisions").get(0).path("evidence").size());
    }

    @Test
    void anotherAgentNeedsAGrant() {
        HttpJson.Response forbidden = http.get("/v1/agents/" + AGENT + "/history", QueryTestApp.token("curious"));
        assertEquals(403, forbidden.status());
        assertEquals("agent_id", forbidden.error().path("details").path("field").asText());
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('curious', ?)", AGENT);
        assertEquals(4, outcomes("", QueryTestApp.token("curious")).size());
        assertEquals(4, outcomes("", QueryTestApp.adminToken()).size());
    }

    @ParameterizedTest(name = "{0} -> 400 naming {1}")
    @CsvSource({
            "/v1/agents/history-agent/history?limit=abc, limit",
            "/v1/agents/history-agent/history?limit=0, limit",
            "/v1/agents/history-agent/history?offset=-3, offset",
            "/v1/agents/history-agent/history?from=monday, from",
            "/v1/agents/history-agent/history?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z, from",
            "/v1/agents/history-agent/history?order_dir=sideways, order_dir",
            "/v1/agents/history-agent/history?current_only=maybe, current_only",
            "/v1/agents/history-agent/history?include=reasons, include",
            "/v1/agents/history-agent/history?colour=red, colour",
            "/v1/agents/history-agent/history?limit=1&limit=2, limit",
            "/v1/agents/bad%20agent/history, agent_id"})
    void badParametersAre400NamingTheField(String path, String field) {
        HttpJson.Response response = http.get(path, QueryTestApp.token(AGENT));
        assertEquals(400, response.status(), response.raw().body());
        assertEquals(field, response.error().path("details").path("field").asText());
    }
}
