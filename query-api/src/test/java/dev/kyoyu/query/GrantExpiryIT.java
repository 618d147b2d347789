package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A grant given until a time a few seconds ahead: the grantee reads the owner's data before it, and nothing of it
 * after, in every read path, without a new token and (for a subscription) without reconnecting. The subscription's
 * grant re-read is set to its longest (30 s), so the cut-off at expiry cannot come from a re-read.
 */
class GrantExpiryIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough for the "before" checks to finish on a loaded machine, short enough to wait for. */
    private static final Duration GRANT_LIFETIME = Duration.ofSeconds(10);
    private static final String SECRET = "ge-owner-secret";
    private static TestDatabase db;
    private static String decisions;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        decisions = TestTopics.create("ge-decisions", 1);
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_DECISIONS_TOPIC", decisions);
        env.put("KYOYU_CONFLICTS_TOPIC", TestTopics.create("ge-conflicts", 1));
        env.put("KYOYU_SUBSCRIBE_GRANT_REFRESH", "30s");
        env.put("KYOYU_SUBSCRIBE_HEARTBEAT", "300ms");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
        Await.until(WAIT, "the live feed reads the topics",
                () -> http.get("/health", null).data().path("checks").path("kafka").asText().equals("ok"));
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static Instant grantUntilSoon(String grantee, String... owners) {
        // PostgreSQL keeps microseconds.
        Instant expires = Instant.now().plus(GRANT_LIFETIME).truncatedTo(ChronoUnit.MICROS);
        for (String owner : owners) {
            DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id, expires_at, granted_by) VALUES (?, ?, ?, 'ops')",
                    grantee, owner, Timestamp.from(expires));
        }
        return expires;
    }

    /** Each read path's answer for the grantee: the status, and for a 200 whether the owner's data was in it. */
    private static Map<String, String> readPaths(String token, String owner, UUID run) {
        Map<String, String> cells = new HashMap<>();
        cells.put("query", cell(http.postJson("/v1/query", token, Map.of("filters", Map.of("agent_id", List.of(owner))))));
        cells.put("query, no filter", cell(http.postJson("/v1/query", token, Map.of())));
        cells.put("search", cell(http.postJson("/v1/search", token, Map.of("query", "x", "filters", Map.of("agent_id", List.of(owner))))));
        cells.put("search, no filter", cell(http.postJson("/v1/search", token, Map.of("query", "x"))));
        cells.put("history", cell(http.get("/v1/agents/" + owner + "/history", token)));
        cells.put("conflicts", cell(http.get("/v1/conflicts?agent_id=" + owner, token)));
        cells.put("conflicts, no filter", cell(http.get("/v1/conflicts", token)));
        cells.put("run", cell(http.get("/v1/runs/" + run, token)));
        return cells;
    }

    private static String cell(HttpJson.Response response) {
        if (response.status() != 200) {
            return String.valueOf(response.status());
        }
        return response.raw().body().contains(SECRET) ? "200+" : "200-";
    }

    @Test
    @DisplayName("queries, search, history, conflicts and runs show the owner's data until the grant expires, then refuse or omit it")
    void everyReadPathHonoursTheExpiry() {
        String owner = "ge-owner";
        String ownerB = "ge-owner-b";
        UUID run = UUID.randomUUID();
        UUID a = decision(owner, "ge_type", SECRET).run(run).insert(db);
        UUID b = decision(ownerB, "ge_type", "ge-other").insert(db);
        DecisionRows.execute(db, "UPDATE decisions SET embedding = ('[' || array_to_string(array_fill(0.1, ARRAY[384]), ',') || ']')::halfvec");
        DecisionRows.execute(db, "INSERT INTO agent_runs (id, agent_id, status, started_at, metadata) VALUES (?, ?, 'running', now(), '{\"note\":\"" + SECRET + "\"}')",
                run, owner);
        DecisionRows.execute(db, """
                INSERT INTO conflicts (id, decision_type, decision_a_id, decision_b_id, agent_a_id, agent_b_id, outcome_a, outcome_b, detected_at)
                VALUES (?, 'ge_type', ?, ?, ?, ?, ?, 'ge-other', now())""", UUID.randomUUID(), a, b, owner, ownerB, SECRET);
        String token = QueryTestApp.token("ge-reader", Role.READER);
        http.postJson("/v1/search", token, Map.of("query", "warm the query embedder up before the clock starts"));

        Instant expires = grantUntilSoon("ge-reader", owner, ownerB);
        Map<String, String> before = readPaths(token, owner, run);
        assertTrue(Instant.now().isBefore(expires), "the checks before expiry took longer than the grant lived; raise GRANT_LIFETIME");
        before.forEach((path, cell) -> assertEquals("200+", cell, path + " before expiry"));

        Await.until(WAIT, "the history refuses the grantee", () -> http.get("/v1/agents/" + owner + "/history", token).status() == 403);
        assertFalse(Instant.now().isBefore(expires), "refused before the grant expired");
        Map<String, String> after = readPaths(token, owner, run);
        Map<String, String> expected = Map.of("query", "403", "query, no filter", "200-", "search", "403", "search, no filter", "200-",
                "history", "403", "conflicts", "403", "conflicts, no filter", "200-", "run", "404");
        assertEquals(expected, after);
        HttpJson.Response refused = http.get("/v1/agents/" + owner + "/history", token);
        assertEquals("agent_id", refused.error().path("details").path("field").asText());
        assertEquals(expires.toString(),
                refused.error().path("details").path("grant_expired_at").asText());
    }

    @Test
    @DisplayName("a live subscription delivers the owner's decisions before the grant expires and not after, without reconnecting")
    void aLiveSubscriptionStopsDeliveringAtExpiry() throws Exception {
        String owner = "ge-sub-owner";
        String grantee = "ge-sub-agent";
        Instant expires = grantUntilSoon(grantee, owner);
        try (SseClient client = SseClient.connect(app.port(), "/v1/subscribe", QueryTestApp.token(grantee), null)) {
            assertEquals(200, client.status());
            String early = publish(owner, "before");
            assertEquals(early, idOf(nextDecision(client)));
            assertTrue(Instant.now().isBefore(expires), "the decision before expiry arrived after it; raise GRANT_LIFETIME");

            Await.until(WAIT, "the grant expired", () -> !Instant.now().isBefore(expires));
            String late = publish(owner, "after");
            // One partition: the grantee's own decision comes after the owner's, so it arriving alone proves the
            // owner's was held back, and that the same stream still delivers.
            String own = publish(grantee, "own");
            SseClient.Event next = nextDecision(client);
            assertEquals(own, idOf(next), "the owner's decision after expiry was delivered: " + next.data());
            assertFalse(client.ended(), "the stream stays open");
            assertTrue(client.drain(Duration.ofMillis(500)).stream().noneMatch(e -> e.data().contains(late)));
        }
    }

    @Test
    @DisplayName("a subscription that named the owner ends with access_expired at the first grant re-read after expiry")
    void aSubscriptionNamingTheOwnerEndsOnceTheGrantExpired() throws Exception {
        String owner = "ge-named-owner";
        String grantee = "ge-named-agent";
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_DECISIONS_TOPIC", decisions);
        env.put("KYOYU_CONFLICTS_TOPIC", TestTopics.create("ge-named-conflicts", 1));
        env.put("KYOYU_SUBSCRIBE_GRANT_REFRESH", "200ms");
        try (QueryApp quick = QueryApp.start(QueryConfig.fromEnv(env))) {
            HttpJson quickHttp = new HttpJson(quick.port());
            Await.until(WAIT, "the live feed reads the topics",
                    () -> quickHttp.get("/health", null).data().path("checks").path("kafka").asText().equals("ok"));
            Instant expires = grantUntilSoon(grantee, owner);
            try (SseClient client = SseClient.connect(quick.port(), "/v1/subscribe?agent_id=" + owner, QueryTestApp.token(grantee), null)) {
                assertEquals(200, client.status());
                assertEquals(publish(owner, "before"), idOf(nextDecision(client)));
                SseClient.Event end = client.next(GRANT_LIFETIME.plus(WAIT));
                while (!end.name().equals("end")) {
                    end = client.next(WAIT);
                }
                assertFalse(Instant.now().isBefore(expires), "ended before the grant expired");
                assertEquals("access_expired", EventJson.MAPPER.readTree(end.data()).path("reason").asText());
            }
        }
    }

    private static SseClient.Event nextDecision(SseClient client) throws InterruptedException {
        while (true) {
            SseClient.Event event = client.next(WAIT);
            if (event.name().equals("decision")) {
                return event;
            }
        }
    }

    private static String idOf(SseClient.Event event) throws Exception {
        return EventJson.MAPPER.readTree(event.data()).path("id").asText();
    }

    private static String publish(String agent, String outcome) {
        Map<String, Object> record = new HashMap<>(Map.of("id", UUID.randomUUID().toString(),
                "run_id", UUID.randomUUID().toString(), "agent_id", agent, "decision_type", "ge_type", "outcome", outcome,
                "reasoning", "r", "valid_from", "2026-05-01T10:00:00Z"));
        record.put("confidence", null);
        record.put("valid_to", null);
        record.put("revises", null);
        try {
            TestTopics.send(decisions, agent, EventJson.MAPPER.writeValueAsBytes(record));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (String) record.get("id");
    }
}
