package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Bounds on subscriptions against a real broker and PostgreSQL: a per-agent cap, and a revoked grant that stops a
 * busy stream (decisions flowing faster than the heartbeat, so the stream is never idle) within the refresh interval.
 */
class SubscriptionLimitsIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration REFRESH = Duration.ofMillis(500);
    private static final int PER_AGENT = 2;
    private static TestDatabase db;
    private static String decisions;
    private static QueryApp app;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        decisions = TestTopics.create("decisions", 3);
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_DECISIONS_TOPIC", decisions);
        env.put("KYOYU_CONFLICTS_TOPIC", TestTopics.create("conflicts", 1));
        // Longer than the gap between records, so a busy stream never gets the idle heartbeat.
        env.put("KYOYU_SUBSCRIBE_HEARTBEAT", "2s");
        env.put("KYOYU_SUBSCRIBE_GRANT_REFRESH", REFRESH.toMillis() + "ms");
        env.put("KYOYU_SUBSCRIBE_MAX_PER_AGENT", Integer.toString(PER_AGENT));
        app = QueryApp.start(QueryConfig.fromEnv(env));
        producer = TestTopics.producer();
        HttpJson http = new HttpJson(app.port());
        Await.until(WAIT, "the live feed reads the topics",
                () -> http.get("/health", null).data().path("checks").path("kafka").asText().equals("ok"));
    }

    @AfterAll
    static void stop() {
        producer.close();
        app.close();
        db.close();
    }

    private static SseClient connect(String query, String token) throws Exception {
        return SseClient.connect(app.port(), "/v1/subscribe" + query, token, null);
    }

    @Test
    @DisplayName("an agent's subscription past the per-agent cap is 429 naming the cap; closing one frees its slot")
    void capsSubscriptionsPerAgent() throws Exception {
        String token = QueryTestApp.token("cap-a");
        List<SseClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < PER_AGENT; i++) {
                open.add(connect("", token));
                assertEquals(200, open.getLast().status());
            }
            try (SseClient refused = connect("", token)) {
                assertEquals(429, refused.status());
            }
            HttpJson.Response refusal = new HttpJson(app.port()).get("/v1/subscribe", token);
            assertEquals(429, refusal.status());
            assertEquals("RATE_LIMITED", refusal.error().path("code").asText());
            assertTrue(refusal.error().path("message").asText().contains(PER_AGENT + " open subscriptions"),
                    refusal.error().path("message").asText());
            assertEquals(PER_AGENT, refusal.error().path("details").path("limit").asInt());
            try (SseClient other = connect("", QueryTestApp.token("cap-b"))) {
                assertEquals(200, other.status(), "the cap is per agent");
            }

            open.removeFirst().close();
            Await.until(WAIT, "the closed subscription's slot is free again", () -> {
                SseClient again = connect("", token);
                if (again.status() == 200) {
                    open.add(again);
                    return true;
                }
                again.close();
                return false;
            });
        } finally {
            for (SseClient client : open) {
                client.close();
            }
        }
    }

    /** Produces decisions of the given agents in turn, one every 20 ms, on one partition, until stopped. */
    private static final class Flow implements AutoCloseable {
        final Map<String, Long> producedAt = new ConcurrentHashMap<>();
        /** One decision every 20 ms, so the stream is busy and never idles into a heartbeat. */
        private final ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor();
        private long n;

        Flow(String key, String... agents) {
            schedule.scheduleAtFixedRate(() -> send(key, agents[(int) (n++ % agents.length)]), 0, 20, TimeUnit.MILLISECONDS);
        }

        private void send(String key, String agent) {
            String id = UUID.randomUUID().toString();
            Map<String, Object> record = new HashMap<>(Map.of("id", id, "run_id", UUID.randomUUID().toString(),
                    "agent_id", agent, "decision_type", "busy", "outcome", "o", "confidence", 0.5,
                    "reasoning", "r", "valid_from", "2026-05-01T10:00:00Z"));
            record.put("valid_to", null);
            record.put("revises", null);
            try {
                producedAt.put(id, System.nanoTime());
                producer.send(new ProducerRecord<>(decisions, key, EventJson.MAPPER.writeValueAsBytes(record))).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the busy flow could not publish", e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            schedule.shutdownNow();
            schedule.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private static JsonNode data(SseClient.Event event) throws Exception {
        return EventJson.MAPPER.readTree(event.data());
    }

    @Test
    @DisplayName("a busy subscription to an agent whose grant is revoked ends with access_revoked within the refresh interval")
    void aRevokedGrantEndsABusySubscription() throws Exception {
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('busy-reader', 'busy-owner')");
        try (Flow flow = new Flow("busy-owner", "busy-owner");
             SseClient client = connect("?agent_id=busy-owner", QueryTestApp.token("busy-reader"))) {
            assertEquals(200, client.status());
            for (int i = 0; i < 10; i++) {
                assertEquals("decision", client.next(WAIT).name(), "decisions flow while the grant stands");
            }
            DecisionRows.execute(db, "DELETE FROM access_grants WHERE grantee_agent_id = 'busy-reader'");
            long revokedAt = System.nanoTime();
            SseClient.Event event;
            int afterRevoke = 0;
            do {
                event = client.next(WAIT);
                afterRevoke++;
                assertTrue(System.nanoTime() - revokedAt < REFRESH.toNanos() + Duration.ofSeconds(5).toNanos(),
                        "still delivering " + afterRevoke + " events after the revoke");
            } while (event.name().equals("decision"));
            assertEquals("end", event.name());
            assertEquals("access_revoked", data(event).path("reason").asText());
        }
    }

    @Test
    @DisplayName("a busy subscription without agent_id stops receiving the revoking agent's decisions and keeps its own")
    void aRevokedGrantFiltersABusyUnfilteredSubscription() throws Exception {
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('mixed-reader', 'mixed-owner')");
        try (Flow flow = new Flow("mixed", "mixed-owner", "mixed-reader");
             SseClient client = connect("?decision_type=busy", QueryTestApp.token("mixed-reader"))) {
            assertEquals(200, client.status());
            // Read one at a time: the flow never pauses long enough for a drain to end.
            Set<String> seen = new HashSet<>();
            while (seen.size() < 2) {
                seen.add(data(client.next(WAIT)).path("agent_id").asText());
            }
            assertEquals(Set.of("mixed-owner", "mixed-reader"), seen, "both agents' decisions arrive while the grant stands");
            DecisionRows.execute(db, "DELETE FROM access_grants WHERE grantee_agent_id = 'mixed-reader'");
            long revokedAt = System.nanoTime();
            long settled = revokedAt + REFRESH.toNanos() + Duration.ofSeconds(2).toNanos();
            long lateOwnDecisions = 0;
            // One partition: once an own decision produced well after the revoke arrives, every earlier record was handled.
            while (lateOwnDecisions < 20) {
                SseClient.Event event = client.next(WAIT);
                assertEquals("decision", event.name(), event.data());
                JsonNode decision = data(event);
                long producedAt = flow.producedAt.get(decision.path("id").asText());
                if (decision.path("agent_id").asText().equals("mixed-owner")) {
                    assertFalse(producedAt > settled, "a decision of mixed-owner produced "
                            + Duration.ofNanos(producedAt - revokedAt).toMillis() + " ms after the revoke was delivered");
                } else if (producedAt > settled) {
                    lateOwnDecisions++;
                }
            }
        }
    }
}
