package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.RouteLog;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.OpenApiContract;
import dev.kyoyu.testsupport.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** query-api's OpenAPI document held to the real server: its routes, its statuses and its envelopes. */
class QueryOpenApiIT {
    private static final String DOCUMENT = "openapi/query-api.yaml";
    private static final OpenApiContract CONTRACT = OpenApiContract.load(DOCUMENT);
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String OWNER = "openapi-owner-" + SUFFIX;
    private static final String STRANGER = "openapi-stranger-" + SUFFIX;
    private static final UUID RUN = UUID.randomUUID();
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        DecisionRows.execute(db, "INSERT INTO agent_runs (id, agent_id, status, started_at, metadata) VALUES (?, ?, 'running', now(), '{}')",
                RUN, OWNER);
        DecisionRows.execute(db, """
                INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset)
                VALUES (?, ?, ?, 'ToolCalled', now(), now(), '{"n":1}', 0, 7)""", UUID.randomUUID(), RUN, OWNER);
        DecisionRows.decision(OWNER, "loan_approval", "approve").run(RUN).confidence(0.8).reasoning("income covers it")
                .alternative("approve", 0.8, true, null).alternative("deny", 0.2, false, "no risk signal")
                .evidence("document", "payslip").insert(db);
        DecisionRows.decision(OWNER, "loan_approval", "deny").validTo("2026-01-02T00:00:00Z").insert(db);
        DecisionRows.execute(db, """
                INSERT INTO conflicts (id, decision_type, decision_a_id, decision_b_id, agent_a_id, agent_b_id, outcome_a, outcome_b, detected_at)
                VALUES (?, 'loan_approval', ?, ?, ?, ?, 'approve', 'deny', now())""",
                UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), OWNER, STRANGER);
        Map<String, String> env = QueryTestApp.env(db);
        // Small enough that an oversize body still fits the socket buffers: the client sends it whole and reads the 413.
        env.put("KYOYU_QUERY_MAX_BODY_BYTES", "4096");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    @Test
    void everyRegisteredRouteIsDocumentedAndEveryDocumentedRouteIsRegistered() {
        Set<String> registered = new TreeSet<>();
        for (RouteLog.Route route : app.routes()) {
            if (!route.equals(new RouteLog.Route("ANY", "/*"))) { // the not-found fallback
                registered.add(route.method() + " " + route.path());
            }
        }
        assertEquals(CONTRACT.operations(), registered);
    }

    @Test
    void servesEveryDocumentedRouteAndNothingElse() {
        CONTRACT.assertServesExactlyTheDocumentedRoutes(http, QueryTestApp.token(OWNER), Map.of("run_id", UUID.randomUUID().toString(), "agent_id", OWNER));
    }

    @Test
    void servesItsOwnDocumentAsYamlWithoutAToken() {
        HttpJson.Response answer = http.get("/openapi.yaml", null);
        assertEquals(200, answer.status());
        assertEquals("application/yaml", answer.raw().headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.raw().body().startsWith("openapi: 3.1.0"), answer.raw().body());
    }

    @Test
    void answersWithTheDocumentedStatusesAndEnvelopes() throws Exception {
        String owner = QueryTestApp.token(OWNER);
        String stranger = QueryTestApp.token(STRANGER);

        check("GET", "/v1/runs/{run_id}", http.get("/v1/runs/" + RUN + "?limit=10", owner), 200);
        check("GET", "/v1/runs/{run_id}", http.get("/v1/runs/" + RUN, stranger), 404);
        check("GET", "/v1/runs/{run_id}", http.get("/v1/runs/not-a-uuid", owner), 400);
        check("GET", "/v1/runs/{run_id}", http.get("/v1/runs/" + RUN, null), 401);

        check("POST", "/v1/query", http.postJson("/v1/query", owner, Map.of("include", List.of("alternatives", "evidence"),
                "include_superseded", true)), 200);
        check("POST", "/v1/query", http.postJson("/v1/query", owner, Map.of("filters", Map.of("confidence_min", 2))), 400);
        check("POST", "/v1/query", http.postJson("/v1/query", stranger, Map.of("filters", Map.of("agent_id", OWNER))), 403);
        check("POST", "/v1/query", http.post("/v1/query", owner, "text/plain", "{}"), 415);
        check("POST", "/v1/query", http.post("/v1/query", owner, "application/json", "{\"filters\":{\"outcome\":\""
                + "x".repeat(5000) + "\"}}"), 413);

        check("POST", "/v1/query/temporal", http.postJson("/v1/query/temporal", owner, Map.of("as_of", "2030-01-01T00:00:00Z")), 200);
        check("POST", "/v1/query/temporal", http.postJson("/v1/query/temporal", owner, Map.of()), 400);

        check("POST", "/v1/search", http.postJson("/v1/search", owner, Map.of("query", "loan approval", "limit", 3)), 200);
        check("POST", "/v1/search", http.postJson("/v1/search", owner, Map.of("query", "")), 400);

        check("GET", "/v1/agents/{agent_id}/history", http.get("/v1/agents/" + OWNER + "/history?include=alternatives", owner), 200);
        check("GET", "/v1/agents/{agent_id}/history", http.get("/v1/agents/" + OWNER + "/history", stranger), 403);
        check("GET", "/v1/agents/{agent_id}/history", http.get("/v1/agents/" + OWNER + "/history?colour=red", owner), 400);

        check("GET", "/v1/conflicts", http.get("/v1/conflicts", QueryTestApp.adminToken()), 200);
        check("GET", "/v1/conflicts", http.get("/v1/conflicts?limit=0", owner), 400);

        check("GET", "/v1/subscribe", http.get("/v1/subscribe?confidence_min=7", owner), 400);
        check("GET", "/v1/subscribe", http.get("/v1/subscribe?agent_id=" + OWNER, stranger), 403);
        checkStreamOpens(owner);

        check("GET", "/health", http.get("/health", null), 200);
        check("GET", "/health/live", http.get("/health/live", null), 200);
        check("GET", "/metrics", http.get("/metrics", null), 200);
    }

    /** A subscription answers 200 with an event stream; only its head is read, then the connection is dropped. */
    private static void checkStreamOpens(String token) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.baseUrl() + "/v1/subscribe?agent_id=" + OWNER))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).GET().build();
        HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            assertEquals(200, response.statusCode());
            CONTRACT.check("GET", "/v1/subscribe", response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null), null);
        }
        client.close();
    }

    private static void check(String method, String template, HttpJson.Response answer, int expectedStatus) {
        assertEquals(expectedStatus, answer.status(), method + " " + template + ": " + answer.raw().body());
        CONTRACT.check(method, template, answer);
    }
}
