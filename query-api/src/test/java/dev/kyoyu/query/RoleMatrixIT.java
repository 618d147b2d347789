package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every query-api endpoint against every kind of caller: admin reads everything; an agent its own and what it was
 * granted; a reader only what it was granted; no token or a token this stack did not sign, nothing (401).
 * query-api has no admin-only route: identities and grants are managed on ingest-api.
 * Each cell is the status and, for a 200, whether the owner's data was in the answer ({@code 200+} / {@code 200-}).
 * Where a reader and an agent differ (the caller's own id) is {@link #aReaderDoesNotReadItsOwnId}.
 */
class RoleMatrixIT {
    private static final String OWNER = "rm-owner";
    private static final String OWNER_B = "rm-owner-b";
    private static final String SECRET = "rm-owner-secret";
    private static final UUID RUN = UUID.randomUUID();
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    private record Caller(String name, String token) {
    }

    private static final List<Caller> CALLERS = new ArrayList<>();

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        UUID a = decision(OWNER, "rm_type", SECRET).run(RUN).reasoning("owner's reasoning").insert(db);
        UUID b = decision(OWNER_B, "rm_type", "rm-other").insert(db);
        decision("rm-reader-s", "rm_type", "rm-written-before-it-was-a-reader").insert(db);
        // Every decision is "embedded", so search has something to rank whatever the query's vector.
        DecisionRows.execute(db, "UPDATE decisions SET embedding = ('[' || array_to_string(array_fill(0.1, ARRAY[384]), ',') || ']')::halfvec");
        DecisionRows.execute(db, "INSERT INTO agent_runs (id, agent_id, status, started_at, metadata) VALUES (?, ?, 'running', now(), '{}')",
                RUN, OWNER);
        DecisionRows.execute(db, """
                INSERT INTO conflicts (id, decision_type, decision_a_id, decision_b_id, agent_a_id, agent_b_id, outcome_a, outcome_b, detected_at)
                VALUES (?, 'rm_type', ?, ?, ?, ?, ?, 'rm-other', now())""", UUID.randomUUID(), a, b, OWNER, OWNER_B, SECRET);
        for (String grantee : List.of("rm-agent-g", "rm-reader-g")) {
            for (String owner : List.of(OWNER, OWNER_B)) {
                DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id, granted_by) VALUES (?, ?, 'ops')",
                        grantee, owner);
            }
        }
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
        CALLERS.add(new Caller("admin", QueryTestApp.token("rm-admin", Role.ADMIN)));
        CALLERS.add(new Caller("owner", QueryTestApp.token(OWNER, Role.AGENT)));
        CALLERS.add(new Caller("granted agent", QueryTestApp.token("rm-agent-g", Role.AGENT)));
        CALLERS.add(new Caller("stranger agent", QueryTestApp.token("rm-agent-s", Role.AGENT)));
        CALLERS.add(new Caller("granted reader", QueryTestApp.token("rm-reader-g", Role.READER)));
        CALLERS.add(new Caller("stranger reader", QueryTestApp.token("rm-reader-s", Role.READER)));
        CALLERS.add(new Caller("no token", null));
        CALLERS.add(new Caller("forged token", QueryTestApp.forgedToken("rm-admin")));
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    /** The cell for one answer: the status, and for a 200 whether the owner's secret outcome is in it. */
    private static String cell(HttpJson.Response response) {
        if (response.status() != 200) {
            return String.valueOf(response.status());
        }
        return response.raw().body().contains(SECRET) ? "200+" : "200-";
    }

    private static String subscribeCell(String token) {
        try (SseClient client = SseClient.connect(app.port(), "/v1/subscribe?agent_id=" + OWNER, token, null)) {
            return String.valueOf(client.status());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final Map<String, Function<String, String>> ENDPOINTS = new LinkedHashMap<>();

    static {
        ENDPOINTS.put("POST /v1/query agent_id=owner", t -> cell(http.postJson("/v1/query", t,
                Map.of("filters", Map.of("agent_id", List.of(OWNER))))));
        ENDPOINTS.put("POST /v1/query (no filter)", t -> cell(http.postJson("/v1/query", t, Map.of())));
        ENDPOINTS.put("POST /v1/search agent_id=owner", t -> cell(http.postJson("/v1/search", t,
                Map.of("query", "owner", "filters", Map.of("agent_id", List.of(OWNER))))));
        ENDPOINTS.put("POST /v1/search (no filter)", t -> cell(http.postJson("/v1/search", t, Map.of("query", "owner"))));
        ENDPOINTS.put("GET /v1/agents/owner/history", t -> cell(http.get("/v1/agents/" + OWNER + "/history", t)));
        ENDPOINTS.put("GET /v1/conflicts?agent_id=owner", t -> cell(http.get("/v1/conflicts?agent_id=" + OWNER, t)));
        ENDPOINTS.put("GET /v1/runs/{owner's run}", t -> {
            HttpJson.Response response = http.get("/v1/runs/" + RUN, t);
            return response.status() == 200 ? (response.data().path("run").path("agent_id").asText().equals(OWNER) ? "200+" : "200-")
                    : String.valueOf(response.status());
        });
        ENDPOINTS.put("GET /v1/subscribe?agent_id=owner", RoleMatrixIT::subscribeCell);
    }

    /** Expected cells, one column per caller in CALLERS' order. */
    private static final Map<String, List<String>> EXPECTED = Map.of(
            //                                     admin   owner   agent-g agent-s reader-g reader-s none  forged
            "POST /v1/query agent_id=owner", List.of("200+", "200+", "200+", "403", "200+", "403", "401", "401"),
            "POST /v1/query (no filter)", List.of("200+", "200+", "200+", "200-", "200+", "200-", "401", "401"),
            "POST /v1/search agent_id=owner", List.of("200+", "200+", "200+", "403", "200+", "403", "401", "401"),
            "POST /v1/search (no filter)", List.of("200+", "200+", "200+", "200-", "200+", "200-", "401", "401"),
            "GET /v1/agents/owner/history", List.of("200+", "200+", "200+", "403", "200+", "403", "401", "401"),
            // The owner alone may not read OWNER_B, the other side of the conflict.
            "GET /v1/conflicts?agent_id=owner", List.of("200+", "200-", "200+", "403", "200+", "403", "401", "401"),
            // A run out of reach does not exist for the caller.
            "GET /v1/runs/{owner's run}", List.of("200+", "200+", "200+", "404", "200+", "404", "401", "401"),
            "GET /v1/subscribe?agent_id=owner", List.of("200", "200", "200", "403", "200", "403", "401", "401"));

    @Test
    @DisplayName("each role gets what it may read on every endpoint, and nothing else")
    void everyRoleOnEveryEndpoint() {
        List<String> wrong = new ArrayList<>();
        ENDPOINTS.forEach((endpoint, probe) -> {
            List<String> expected = EXPECTED.get(endpoint);
            for (int i = 0; i < CALLERS.size(); i++) {
                String got = probe.apply(CALLERS.get(i).token());
                if (!got.equals(expected.get(i))) {
                    wrong.add(endpoint + " as " + CALLERS.get(i).name() + ": expected " + expected.get(i) + ", got " + got);
                }
            }
        });
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
    }

    @Test
    @DisplayName("a reader reads nothing under its own id, even decisions written under it before it became a reader")
    void aReaderDoesNotReadItsOwnId() {
        HttpJson.Response refused = http.get("/v1/agents/rm-reader-s/history", QueryTestApp.token("rm-reader-s", Role.READER));
        assertEquals(403, refused.status());
        assertEquals("agent_id", refused.error().path("details").path("field").asText());
        assertTrue(refused.error().path("message").asText().contains("a reader reads only what it was granted"),
                refused.raw().body());
        JsonNode all = http.postJson("/v1/query", QueryTestApp.token("rm-reader-s", Role.READER), Map.of()).data();
        assertEquals(0, all.path("decisions").size());
        // The same id with role agent reads it: the rule is the role's, not the data's.
        assertEquals(200, http.get("/v1/agents/rm-reader-s/history", QueryTestApp.token("rm-reader-s", Role.AGENT)).status());
    }
}
