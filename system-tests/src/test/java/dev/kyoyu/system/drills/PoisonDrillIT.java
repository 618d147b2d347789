package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionValidator;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import dev.kyoyu.testsupport.LocalStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 11, the poison drill: during a steady load, one of each poison kind, posted through ingest
 * (where the door should refuse it) and written straight to the events topic as an older ingest
 * would have let it through: a DecisionTraced valid from +999999999-12-31T23:59:59Z, an event that
 * occurred in the year 295000, a value that is not JSON, a granular DecisionMade with an extreme
 * valid_from. Every acknowledged load event is stored exactly once, the sink stays healthy, the
 * decision stream keeps running and assembles a decision posted after the poison.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("drill: poison records in the events topic during a steady load")
class PoisonDrillIT {
    private static final String EXTREME = "+999999999-12-31T23:59:59Z";
    private static final String POISONER = "poison-agent";
    private static final Duration SETTLE = Duration.ofSeconds(60);

    private LocalStack stack;
    private LoadGenerator.Report report;
    /** What ingest answered to each poison posted through the door, by kind. */
    private final Map<String, HttpJson.Response> atTheDoor = new LinkedHashMap<>();
    private final List<String> sinkHealthDuring = new ArrayList<>();
    private String decisionAfterPoison;
    /** Why the load stopped being stored after the poison, if it did (asserted by its own test, so every other test still reports). */
    private String stalledAfterPoison;

    @BeforeAll
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void runDrill() throws Exception {
        stack = LocalStack.isolated("poison");
        stack.up("ingest-api", "sink-worker", "decision-stream");
        LoadGenerator load = LoadGenerator.builder(stack.ingestPort(), stack::token)
                .agents(KafkaProbe.agentsCovering("poison-load", 6, 1))
                .clients(2).batchSize(10).pause(Duration.ofMillis(100))
                .maxDuration(Duration.ofMinutes(3)).maxRequestsPerClient(1200)
                .start();
        try {
            long before = Delivery.storedCount(stack);
            Await.until(SETTLE, "the load is being stored", () -> Delivery.storedCount(stack) >= before + 100);
            HttpJson ingest = new HttpJson(stack.ingestPort());
            String token = stack.token(POISONER);
            postThroughTheDoor(ingest, token);
            writeStraightToTheTopic();
            long afterPoison = Delivery.storedCount(stack);
            try {
                Await.until(SETTLE, "the load is still being stored after the poison", () -> {
                    sinkHealthDuring.add(stack.health(stack.sinkPort(1)).status() + "");
                    return Delivery.storedCount(stack) >= afterPoison + 100;
                });
            } catch (AssertionError e) {
                stalledAfterPoison = e.getMessage() + "; sink /health: " + stack.health(stack.sinkPort(1)).body();
            }
            decisionAfterPoison = postGranularDecision(ingest, token, null);
        } finally {
            report = load.stop();
            System.out.println(report);
            System.out.println("poison at the door: " + atTheDoor.entrySet().stream()
                    .map(e -> e.getKey() + " -> " + e.getValue().status()).toList());
        }
        if (stalledAfterPoison == null) {
            Delivery.awaitStored(stack, report.acknowledged().size(), SETTLE);
        }
    }

    @AfterAll
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
    }

    private void postThroughTheDoor(HttpJson ingest, String token) {
        atTheDoor.put("trace valid_from " + EXTREME, ingest.postJson("/v1/trace", token,
                Map.of("decision", Map.of("decision_type", "poison", "outcome", "o", "valid_from", EXTREME))));
        String run = ingest.postJson("/v1/runs", token, Map.of()).data().path("id").asText();
        atTheDoor.put("occurred_at in the year 295000", ingest.postJson("/v1/runs/" + run + "/events", token,
                Map.of("events", List.of(Map.of("event_type", "ToolCalled", "occurred_at", "+295000-01-01T00:00:00Z")))));
        String decisionId = UUID.randomUUID().toString();
        HttpJson.Response started = ingest.postJson("/v1/runs/" + run + "/events", token, Map.of("events", List.of(
                Map.of("event_type", "DecisionStarted", "payload", Map.of("decision_type", "poison", "decision_id", decisionId)))));
        assertEquals(202, started.status(), started.raw().body());
        atTheDoor.put("granular DecisionMade valid_from " + EXTREME, ingest.postJson("/v1/runs/" + run + "/events", token,
                Map.of("events", List.of(
                        Map.of("event_type", "DecisionMade", "payload", Map.of("decision_id", decisionId, "outcome", "o", "valid_from", EXTREME))))));
    }

    /** What an older ingest (without the door's checks) would have published. */
    private void writeStraightToTheTopic() throws Exception {
        UUID run = UUID.randomUUID();
        Instant now = Instant.now();
        ObjectNode traced = EventJson.MAPPER.valueToTree(DecisionValidator.parse(
                EventJson.MAPPER.readTree("{\"decision_type\":\"poison\",\"outcome\":\"o\",\"valid_from\":\"2026-01-01T00:00:00Z\"}"),
                "decision", UUID.randomUUID()));
        traced.put("valid_from", EXTREME);
        UUID decisionId = UUID.randomUUID();
        ObjectNode started = EventJson.MAPPER.createObjectNode().put("decision_type", "poison").put("decision_id", decisionId.toString());
        ObjectNode made = EventJson.MAPPER.createObjectNode().put("decision_id", decisionId.toString()).put("outcome", "o").put("valid_from", EXTREME);
        List<byte[]> values = List.of(
                EventJson.toBytes(new AgentEvent(UUID.randomUUID(), run, POISONER, "RunStarted", now, now, EventJson.MAPPER.createObjectNode())),
                EventJson.toBytes(new AgentEvent(UUID.randomUUID(), run, POISONER, "DecisionTraced", now, now, traced)),
                EventJson.toBytes(new AgentEvent(UUID.randomUUID(), run, POISONER, "ToolCalled", Instant.parse("+295000-01-01T00:00:00Z"), now,
                        EventJson.MAPPER.createObjectNode())),
                "this is not JSON {".getBytes(StandardCharsets.UTF_8),
                EventJson.toBytes(new AgentEvent(UUID.randomUUID(), run, POISONER, "DecisionStarted", now, now, started)),
                EventJson.toBytes(new AgentEvent(UUID.randomUUID(), run, POISONER, "DecisionMade", now, now, made)));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(LocalStack.EVENTS_TOPIC, POISONER, value)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** DecisionStarted then DecisionMade in a fresh run; returns the DecisionMade's event id. */
    private static String postGranularDecision(HttpJson ingest, String token, String validFrom) {
        String run = ingest.postJson("/v1/runs", token, Map.of()).data().path("id").asText();
        String decisionId = UUID.randomUUID().toString();
        Map<String, Object> made = new LinkedHashMap<>(Map.of("decision_id", decisionId, "outcome", "after-the-poison"));
        if (validFrom != null) {
            made.put("valid_from", validFrom);
        }
        HttpJson.Response answer = ingest.postJson("/v1/runs/" + run + "/events", token, Map.of("events", List.of(
                Map.of("event_type", "DecisionStarted", "payload", Map.of("decision_type", "after_poison", "decision_id", decisionId)),
                Map.of("event_type", "DecisionMade", "payload", made))));
        assertEquals(202, answer.status(), answer.raw().body());
        return answer.data().path("event_ids").get(1).asText();
    }

    @Test
    @DisplayName("ingest refuses each poison at the door with a 400 naming the field")
    void theDoorRefusesPoison() {
        atTheDoor.forEach((kind, answer) -> {
            assertEquals(400, answer.status(), kind + ": " + answer.raw().body());
            assertTrue(dev.kyoyu.testsupport.ClientFacing.namesField(answer.error()), kind + ": the refusal names no field: " + answer.raw().body());
        });
    }

    @Test
    @DisplayName("the load was acknowledged throughout")
    void loadAcknowledged() {
        assertEquals(java.util.Set.of(202), report.statusCounts().keySet(), report::toString);
        assertTrue(report.anomalies().isEmpty(), () -> String.join("\n", report.anomalies()));
    }

    @Test
    @DisplayName("the load goes on being stored after the poison")
    void storageGoesOn() {
        assertEquals(null, stalledAfterPoison, "storage stalled after the poison");
    }

    @Test
    @DisplayName("every acknowledged load event is in agent_events exactly once")
    void everyAcknowledgedEventIsStoredExactlyOnce() {
        Delivery.assertStoredExactlyOnce(stack, report.acknowledged());
    }

    @Test
    @DisplayName("the sink stays healthy through the poison and after it")
    void sinkStaysHealthy() {
        assertTrue(sinkHealthDuring.stream().allMatch("200"::equals), "sink /health while the poison was in the topic: " + sinkHealthDuring);
        LocalStack.HealthProbe health = stack.health(stack.sinkPort(1));
        assertEquals(200, health.status(), health.body());
    }

    @Test
    @DisplayName("the decision stream keeps running and assembles a decision posted after the poison")
    void streamKeepsRunning() {
        Await.until(SETTLE, "the decision posted after the poison is assembled and stored", () ->
                stack.queryLong("SELECT count(*) FROM decisions WHERE source_event_id = '" + decisionAfterPoison + "'") == 1);
        LocalStack.HealthProbe health = stack.health(Integer.parseInt(stack.env().get("KYOYU_STREAM_PORT")));
        assertEquals(200, health.status(), health.body());
        assertTrue(health.body().contains("\"running\""), "decision stream state: " + health.body());
    }
}
