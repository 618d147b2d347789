package dev.kyoyu.ingest;

import dev.kyoyu.testsupport.TestTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.RouteLog;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.OpenApiContract;
import dev.kyoyu.testsupport.TestTopics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ingest-api's OpenAPI document held to the real server: its routes, its statuses and its envelopes. */
class IngestOpenApiIT {
    private static final String DOCUMENT = "openapi/ingest-api.yaml";
    private static final String AGENT = "openapi-it-" + UUID.randomUUID().toString().substring(0, 6);
    private static final OpenApiContract CONTRACT = OpenApiContract.load(DOCUMENT);
    private static IngestApp app;
    private static HttpJson http;
    private static String token;

    @BeforeAll
    static void start() {
        app = IngestTestApp.start(TestTopics.create("openapi", 1), Map.of(
                "KYOYU_INGEST_MAX_BODY_BYTES", "100000",
                "KYOYU_INGEST_MAX_RECORD_BYTES", "65536"));
        http = new HttpJson(app.port());
        token = TestTokens.token(AGENT, Role.AGENT);
    }

    @AfterAll
    static void stop() {
        app.close();
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
        CONTRACT.assertServesExactlyTheDocumentedRoutes(http, token, Map.of("run_id", UUID.randomUUID().toString(),
                "agent_id", AGENT, "key_id", "0123456789abcdef", "role", "reader", "grantee", AGENT, "owner", AGENT));
    }

    @Test
    void servesItsOwnDocumentAsYamlWithoutAToken() {
        HttpJson.Response answer = http.get("/openapi.yaml", null);
        assertEquals(200, answer.status());
        assertEquals("application/yaml", answer.raw().headers().firstValue("Content-Type").orElse(""));
        assertTrue(answer.raw().body().startsWith("openapi: 3.1.0"), answer.raw().body());
    }

    @Test
    void answersWithTheDocumentedStatusesAndEnvelopes() {
        // An agent of its own: creating AGENT now would refuse the token minted for it before it existed.
        check("POST", "/auth/token", http.postJson("/auth/token", null, Map.of("agent_id", AGENT + "-keyed",
                "api_key", TestAgents.apiKey(http, AGENT + "-keyed", Role.AGENT))), 200);
        check("POST", "/auth/token", http.postJson("/auth/token", null, Map.of("agent_id", AGENT, "api_key", "0".repeat(64))), 401);
        check("POST", "/auth/token", http.postJson("/auth/token", null, Map.of("api_key", "x")), 400);
        check("POST", "/auth/token", http.post("/auth/token", null, "text/plain", "agent"), 415);

        HttpJson.Response run = http.postJson("/v1/runs", token, Map.of("metadata", Map.of("task", "openapi")));
        check("POST", "/v1/runs", run, 201);
        check("POST", "/v1/runs", http.postJson("/v1/runs", null, Map.of()), 401);
        check("POST", "/v1/runs", http.postJson("/v1/runs", token, Map.of("metadata", "not an object")), 400);
        check("POST", "/v1/runs", http.postJson("/v1/runs", token, Map.of("metadata", Map.of("big", "x".repeat(70_000)))), 413);
        String runId = run.data().path("id").asText();

        String events = "/v1/runs/" + runId + "/events";
        String eventsTemplate = "/v1/runs/{run_id}/events";
        check("POST", eventsTemplate, http.postJson(events, token, Map.of("events", List.of(
                Map.of("event_type", "ToolCalled", "payload", Map.of("n", 1)), Map.of("event_type", "not valid")))), 202);
        check("POST", eventsTemplate, http.postJson(events, token, Map.of("events", List.of(Map.of("payload", Map.of())))), 400);
        check("POST", eventsTemplate, http.postJson("/v1/runs/not-a-uuid/events", token, Map.of("events", List.of())), 400);
        check("POST", eventsTemplate, http.post(events, token, "application/json", "{\"events\":[" + "1,".repeat(51_000) + "1]}"), 413);
        check("POST", eventsTemplate, http.post(events, token, "text/plain", "{}"), 415);
        String othersRun = "/v1/runs/" + UUID.randomUUID() + "/events";
        check("POST", eventsTemplate, http.postJson(othersRun, token, Map.of("events", List.of(Map.of("event_type", "ToolCalled")))), 404);

        String line = "{\"run_id\":\"" + runId + "\",\"event_type\":\"ToolCalled\",\"payload\":{}}\n";
        check("POST", "/v1/events", http.post("/v1/events", token, "application/x-ndjson", line + "{oops\n"), 202);
        check("POST", "/v1/events", http.post("/v1/events", token, "application/x-ndjson", "{oops\n"), 400);
        check("POST", "/v1/events", http.post("/v1/events", token, "application/json", line), 415);

        Map<String, Object> decision = Map.of("decision_type", "loan_approval", "outcome", "approve", "confidence", 0.8);
        check("POST", "/v1/trace", http.postJson("/v1/trace", token, Map.of("decision", decision)), 202);
        check("POST", "/v1/trace", http.postJson("/v1/trace", token, Map.of("run_id", runId, "decision", decision)), 202);
        check("POST", "/v1/trace", http.postJson("/v1/trace", token, Map.of("decision", Map.of("outcome", "approve"))), 400);
        check("POST", "/v1/trace", http.postJson("/v1/trace", token, Map.of("decision", decision, "unknown", 1)), 400);

        check("POST", "/v1/runs/{run_id}/complete", http.postJson("/v1/runs/" + runId + "/complete", token, Map.of("status", "done")), 400);
        check("POST", "/v1/runs/{run_id}/complete", http.postJson("/v1/runs/" + runId + "/complete", token, Map.of("status", "failed")), 200);

        check("GET", "/health", http.get("/health", null), 200);
        check("GET", "/health/live", http.get("/health/live", null), 200);
        check("GET", "/metrics", http.get("/metrics", null), 200);
    }

    @Test
    void adminAnswersMatchTheDocument() {
        String admin = TestAgents.adminToken();
        String agent = AGENT + "-managed";
        String owner = AGENT + "-owner";
        HttpJson.Response created = http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agent, "role", "agent"));
        check("POST", "/v1/admin/agents", created, 201);
        check("POST", "/v1/admin/agents", http.postJson("/v1/admin/agents", admin, Map.of("agent_id", agent)), 409);
        check("POST", "/v1/admin/agents", http.postJson("/v1/admin/agents", token, Map.of("agent_id", owner)), 403);
        check("POST", "/v1/admin/agents", http.postJson("/v1/admin/agents", admin, Map.of("agent_id", owner)), 201);
        check("GET", "/v1/admin/agents", http.get("/v1/admin/agents", admin), 200);
        check("GET", "/v1/admin/agents/{agent_id}", http.get("/v1/admin/agents/" + agent, admin), 200);
        check("GET", "/v1/admin/agents/{agent_id}", http.get("/v1/admin/agents/" + agent + "-none", admin), 404);
        check("POST", "/v1/admin/agents/{agent_id}/keys", http.postJson("/v1/admin/agents/" + agent + "/keys", admin,
                Map.of("overlap_seconds", 60)), 201);
        check("DELETE", "/v1/admin/agents/{agent_id}/keys/{key_id}", http.send("DELETE", "/v1/admin/agents/" + agent + "/keys/"
                + created.data().path("key_id").asText(), admin, null, null), 200);
        check("PUT", "/v1/admin/agents/{agent_id}/role", http.send("PUT", "/v1/admin/agents/" + agent + "/role", admin,
                "application/json", "{\"role\":\"reader\"}"), 200);
        check("POST", "/v1/admin/roles/{role}/revoke-tokens", http.postJson("/v1/admin/roles/reader/revoke-tokens", admin, Map.of()), 200);
        check("PUT", "/v1/admin/grants/{grantee}/{owner}", http.send("PUT", "/v1/admin/grants/" + agent + "/" + owner, admin,
                "application/json", "{\"expires_at\":\"yesterday\"}"), 400);
        check("PUT", "/v1/admin/grants/{grantee}/{owner}", http.send("PUT", "/v1/admin/grants/" + agent + "/" + owner, admin,
                "application/json", "{}"), 200);
        check("DELETE", "/v1/admin/grants/{grantee}/{owner}", http.send("DELETE", "/v1/admin/grants/" + agent + "/" + owner, admin,
                null, null), 200);
        check("POST", "/v1/admin/agents/{agent_id}/revoke", http.postJson("/v1/admin/agents/" + agent + "/revoke", admin, Map.of()), 200);
    }

    private static void check(String method, String template, HttpJson.Response answer, int expectedStatus) {
        assertEquals(expectedStatus, answer.status(), method + " " + template + ": " + answer.raw().body());
        CONTRACT.check(method, template, answer);
    }
}
