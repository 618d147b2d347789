package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * GET /v1/subscribe fed from a real broker: the test produces records in the decision stream's format to
 * topics of its own, and reads them back as Server-Sent Events.
 */
class SubscribeIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestDatabase db;
    private static String decisions;
    private static String conflicts;
    private static QueryApp app;
    private static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        decisions = TestTopics.create("decisions", 3);
        conflicts = TestTopics.create("conflicts", 1);
        DecisionRows.execute(db, "INSERT INTO access_grants (grantee_agent_id, owner_agent_id) VALUES ('sub-a', 'sub-a2')");
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_DECISIONS_TOPIC", decisions);
        env.put("KYOYU_CONFLICTS_TOPIC", conflicts);
        env.put("KYOYU_SUBSCRIBE_HEARTBEAT", "300ms");
        env.put("KYOYU_SUBSCRIBE_QUEUE_CAPACITY", "1000");
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

    private static String decision(String agent, String type, String outcome, Double confidence) {
        Map<String, Object> record = new java.util.HashMap<>(Map.of("id", UUID.randomUUID().toString(),
                "run_id", UUID.randomUUID().toString(), "agent_id", agent, "decision_type", type, "outcome", outcome,
                "reasoning", "r", "valid_from", "2026-05-01T10:00:00Z"));
        record.put("confidence", confidence);
        record.put("valid_to", null);
        record.put("revises", null);
        return send(decisions, agent, record);
    }

    private static String conflict(String type, String agentA, String agentB) {
        return send(conflicts, type, Map.of("id", UUID.randomUUID().toString(), "decision_type", type,
                "decision_a_id", UUID.randomUUID().toString(), "decision_b_id", UUID.randomUUID().toString(),
                "agent_a_id", agentA, "agent_b_id", agentB, "outcome_a", "approve", "outcome_b", "deny",
                "detected_at", "2026-05-01T10:00:05Z"));
    }

    private static String send(String topic, String key, Map<String, Object> record) {
        try {
            producer.send(new ProducerRecord<>(topic, key, EventJson.MAPPER.writeValueAsBytes(record))).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return (String) record.get("id");
    }

    private static SseClient subscribe(String query, String token) throws Exception {
        return subscribe(query, token, null);
    }

    private static SseClient subscribe(String query, String token, String lastEventId) throws Exception {
        SseClient client = SseClient.connect(app.port(), "/v1/subscribe" + query, token, lastEventId);
        assertEquals(200, client.status());
        return client;
    }

    private static String idOf(SseClient.Event event) throws Exception {
        return EventJson.MAPPER.readTree(event.data()).path("id").asText();
    }

    @Test
    @DisplayName("decisions and conflicts that match the filters arrive, nothing else")
    void deliversWhatMatches() throws Exception {
        try (SseClient client = subscribe("?agent_id=sub-a&decision_type=loan_approval&confidence_min=0.5", QueryTestApp.token("sub-a"))) {
            String wanted = decision("sub-a", "loan_approval", "approve", 0.9);
            decision("sub-a", "loan_approval", "deny", 0.3);
            decision("sub-a", "loan_approval", "review", null);
            decision("sub-a", "fraud_check", "flag", 0.9);
            decision("sub-a2", "loan_approval", "approve", 0.9);
            String disagreement = conflict("loan_approval", "sub-a2", "sub-a");
            conflict("loan_approval", "sub-a", "stranger");
            conflict("fraud_check", "sub-a", "sub-a2");

            Set<String> received = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                SseClient.Event event = client.next(WAIT);
                assertTrue(event.id().matches("^([dc]\\d+=\\d+)(,[dc]\\d+=\\d+)*$"), event.id());
                received.add(event.name() + ":" + idOf(event));
                if (event.name().equals("decision")) {
                    JsonNode data = EventJson.MAPPER.readTree(event.data());
                    assertEquals("sub-a", data.path("agent_id").asText());
                    assertEquals(0.9, data.path("confidence").asDouble());
                    assertTrue(data.has("revises"));
                }
            }
            assertEquals(Set.of("decision:" + wanted, "conflict:" + disagreement), received);
            assertEquals(List.of(), client.drain(Duration.ofSeconds(1)));
        }
    }

    @Test
    @DisplayName("an agent receives only what it may read; an admin receives everything")
    void honoursReadAccess() throws Exception {
        try (SseClient own = subscribe("", QueryTestApp.token("sub-c"));
             SseClient admin = subscribe("?decision_type=scope_check", QueryTestApp.adminToken())) {
            decision("sub-d", "scope_check", "hidden from sub-c", 0.5);
            String mine = decision("sub-c", "scope_check", "visible", 0.5);
            conflict("scope_check", "sub-c", "sub-d");
            assertEquals(mine, idOf(own.next(WAIT)));
            assertEquals(List.of(), own.drain(Duration.ofSeconds(1)), "neither the other agent's decision nor a conflict with it");
            assertEquals(3, admin.drain(Duration.ofSeconds(2)).size());
        }
        HttpJson http = new HttpJson(app.port());
        HttpJson.Response forbidden = http.get("/v1/subscribe?agent_id=sub-d", QueryTestApp.token("sub-c"));
        assertEquals(403, forbidden.status());
        assertEquals("agent_id", forbidden.error().path("details").path("field").asText());
        assertEquals(401, http.get("/v1/subscribe", null).status());
        assertEquals("confidence_min", http.get("/v1/subscribe?confidence_min=2", QueryTestApp.token("sub-c"))
                .error().path("details").path("field").asText());
        assertEquals("since", http.get("/v1/subscribe?since=now", QueryTestApp.token("sub-c")).error().path("details").path("field").asText());
    }

    @Test
    void sendsHeartbeatsWhileIdle() throws Exception {
        try (SseClient client = subscribe("?agent_id=nobody-writes-here", QueryTestApp.adminToken())) {
            Await.until(WAIT, "two heartbeats", () -> client.comments() >= 2);
        }
    }

    @Test
    @DisplayName("a reconnect with Last-Event-ID gets what it missed, once, then live events")
    void resumesFromLastEventId() throws Exception {
        String token = QueryTestApp.token("sub-r");
        String lastId;
        try (SseClient first = subscribe("?agent_id=sub-r", token)) {
            String one = decision("sub-r", "resume", "one", 0.5);
            SseClient.Event event = first.next(WAIT);
            assertEquals(one, idOf(event));
            lastId = event.id();
        }
        String two = decision("sub-r", "resume", "two", 0.5);
        String conflictWhileAway = conflict("resume", "sub-r", "sub-r");
        String three = decision("sub-r", "resume", "three", 0.5);
        try (SseClient second = subscribe("?agent_id=sub-r", token, lastId)) {
            Set<String> replayed = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                replayed.add(idOf(second.next(WAIT)));
            }
            assertEquals(Set.of(two, three, conflictWhileAway), replayed);
            String four = decision("sub-r", "resume", "four", 0.5);
            assertEquals(four, idOf(second.next(WAIT)));
            assertEquals(List.of(), second.drain(Duration.ofSeconds(1)));
        }
        assertEquals(400, SseClient.connect(app.port(), "/v1/subscribe", token, "garbage!").status(), "a Last-Event-ID we never sent");
    }

    @Test
    @DisplayName("a subscriber that stops reading is dropped; the others get every event")
    void dropsASlowSubscriberWithoutHoldingUpOthers() throws Exception {
        String token = QueryTestApp.adminToken();
        HttpJson http = new HttpJson(app.port());
        double slowBefore = metric(http, "kyoyu_subscribe_disconnects_total");
        try (Socket stalled = new Socket();
             SseClient fast = subscribe("?decision_type=fast_lane", token)) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", app.port()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /v1/subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until(WAIT, "both subscriptions are open", () -> metric(http, "kyoyu_subscribers") >= 2);

            String padding = "x".repeat(2000);
            Set<String> fastIds = new HashSet<>();
            for (int i = 0; i < 4000; i++) {
                Map<String, Object> record = Map.of("id", UUID.randomUUID().toString(), "run_id", UUID.randomUUID().toString(),
                        "agent_id", "load-" + (i % 3), "decision_type", i % 10 == 0 ? "fast_lane" : "bulk", "outcome", "o",
                        "confidence", 0.5, "reasoning", padding, "valid_from", "2026-05-01T10:00:00Z");
                producer.send(new ProducerRecord<>(decisions, "load-" + (i % 3), EventJson.MAPPER.writeValueAsBytes(record)));
                if (i % 10 == 0) {
                    fastIds.add((String) record.get("id"));
                }
            }
            producer.flush();
            Await.until(WAIT, "the stalled subscriber is dropped as slow",
                    () -> metric(http, "kyoyu_subscribe_disconnects_total") > slowBefore);
            Set<String> received = new HashSet<>();
            while (received.size() < fastIds.size()) {
                received.add(idOf(fast.next(WAIT)));
            }
            assertEquals(fastIds, received);
            Await.until(WAIT, "only the fast subscriber remains", () -> metric(http, "kyoyu_subscribers") == 1);
        }
    }

    private static double metric(HttpJson http, String name) {
        return http.get("/metrics", null).raw().body().lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
