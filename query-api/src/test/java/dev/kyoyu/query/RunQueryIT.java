package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GET /v1/runs/{id} over HTTP against rows in a real PostgreSQL. */
class RunQueryIT {
    private static final UUID RUN = UUID.randomUUID();
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        try (Connection c = db.connect()) {
            try (PreparedStatement run = c.prepareStatement(
                    "INSERT INTO agent_runs (id, agent_id, status, started_at, metadata) VALUES (?, 'owner', 'running', now(), '{\"task\":\"q\"}')")) {
                run.setObject(1, RUN);
                run.execute();
            }
            // Inserted out of order, with occurred_at going backwards: the sequence (log order) decides.
            String insert = "INSERT INTO agent_events (id, run_id, agent_id, event_type, occurred_at, received_at, payload, kafka_partition, kafka_offset) "
                    + "VALUES (?, ?, ?, 'Step', ?, now(), ?::jsonb, 0, ?)";
            try (PreparedStatement event = c.prepareStatement(insert)) {
                long[] offsets = {40, 10, 30, 20, 50};
                for (long offset : offsets) {
                    event.setObject(1, UUID.randomUUID());
                    event.setObject(2, RUN);
                    event.setString(3, "owner");
                    event.setObject(4, java.sql.Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").minusSeconds(offset)));
                    event.setString(5, "{\"offset\":" + offset + "}");
                    event.setLong(6, offset);
                    event.addBatch();
                }
                // Another agent posting into this run id is not part of the run.
                event.setObject(1, UUID.randomUUID());
                event.setObject(2, RUN);
                event.setString(3, "intruder");
                event.setObject(4, java.sql.Timestamp.from(Instant.now()));
                event.setString(5, "{}");
                event.setLong(6, 35);
                event.addBatch();
                event.executeBatch();
            }
        }
        app = QueryApp.start(QueryConfig.fromEnv(Map.of(
                "KYOYU_QUERY_PORT", "0",
                "KYOYU_PG_URL", db.url(),
                "KYOYU_PG_USER", TestStack.pgUser(),
                "KYOYU_PG_PASSWORD", TestStack.pgPassword(),
                TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY),
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap())));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static String token(String agent, boolean admin) {
        return TestTokens.token(agent, admin ? Role.ADMIN : Role.AGENT);
    }

    @Test
    void returnsTheRunAndItsOwnEventsInSequenceOrder() {
        HttpJson.Response response = http.get("/v1/runs/" + RUN, token("owner", false));
        assertEquals(200, response.status(), response.raw().body());
        JsonNode run = response.data().path("run");
        assertEquals(RUN.toString(), run.path("id").asText());
        assertEquals("owner", run.path("agent_id").asText());
        assertEquals("q", run.path("metadata").path("task").asText());
        JsonNode events = response.data().path("events");
        assertEquals(5, events.size());
        long[] expected = {10, 20, 30, 40, 50};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], events.get(i).path("sequence").asLong());
            assertEquals(expected[i], events.get(i).path("payload").path("offset").asLong());
        }
        assertTrue(response.data().path("next_after_sequence").isNull());
    }

    @Test
    void pagesWithACursor() {
        String token = token("owner", false);
        HttpJson.Response first = http.get("/v1/runs/" + RUN + "?limit=2", token);
        assertEquals(2, first.data().path("events").size());
        assertEquals(20, first.data().path("next_after_sequence").asLong());
        HttpJson.Response rest = http.get("/v1/runs/" + RUN + "?limit=10&after=20", token);
        assertEquals(3, rest.data().path("events").size());
        assertEquals(30, rest.data().path("events").get(0).path("sequence").asLong());
    }

    @Test
    void hidesRunsOfOtherAgentsUnlessTheCallerIsAdmin() {
        assertEquals(404, http.get("/v1/runs/" + RUN, token("someone-else", false)).status());
        assertEquals(200, http.get("/v1/runs/" + RUN, token("ops", true)).status());
        assertEquals(401, http.get("/v1/runs/" + RUN, null).status());
    }

    @Test
    void namesTheBadParameter() {
        String token = token("owner", false);
        HttpJson.Response badId = http.get("/v1/runs/123", token);
        assertEquals(400, badId.status());
        assertEquals("run_id", badId.error().path("details").path("field").asText());
        HttpJson.Response badLimit = http.get("/v1/runs/" + RUN + "?limit=zero", token);
        assertEquals(400, badLimit.status());
        assertEquals("limit", badLimit.error().path("details").path("field").asText());
        assertEquals(404, http.get("/v1/runs/" + UUID.randomUUID(), token).status());
    }

    @Test
    void reportsHealthFromTheDatabase() {
        HttpJson.Response health = http.get("/health", null);
        assertEquals(200, health.status());
        assertEquals("ok", health.data().path("checks").path("postgres").asText());
    }
}
