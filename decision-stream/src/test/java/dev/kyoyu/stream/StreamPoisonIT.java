package dev.kyoyu.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.decision.DecisionRecord;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running decision stream against real Kafka, fed poison straight onto its events topic. */
class StreamPoisonIT {
    private static final String AGENT = "poison-it-agent";

    private static AgentEvent event(UUID run, String type, String payload, Instant at) throws Exception {
        return new AgentEvent(EventIds.newId(), run, AGENT, type, at, at,
                (ObjectNode) EventJson.MAPPER.readTree(payload.replace('\'', '"')));
    }

    private static void send(String topic, AgentEvent event) {
        TestTopics.send(topic, event.agentId(), EventJson.toBytes(event));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    @DisplayName("poison on the events topic is rejected with its reason, the stream keeps RUNNING and assembles what follows")
    void poisonCostsOnlyItself(@TempDir Path stateDir) throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String events = TestTopics.create("dspo-events", 1);
        String decisions = "test.dspo-decisions." + suffix;
        String rejectedTopic = "test.dspo-rejected." + suffix;
        Map<String, String> env = new HashMap<>(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", events,
                "KYOYU_DECISIONS_TOPIC", decisions,
                "KYOYU_CONFLICTS_TOPIC", "test.dspo-conflicts." + suffix,
                "KYOYU_DECISIONS_REJECTED_TOPIC", rejectedTopic,
                "KYOYU_STREAM_TOPIC_PARTITIONS", "1",
                "KYOYU_STREAM_PORT", "0",
                "KYOYU_STREAM_APPLICATION_ID", "dspo-it-" + suffix,
                "KYOYU_STREAM_STATE_DIR", stateDir.toString()));
        try (StreamApp stream = StreamApp.start(StreamConfig.fromEnv(env))) {
            UUID run = EventIds.newId();
            Instant now = Instant.now();
            TestTopics.send(events, AGENT, "{not json at all".getBytes(StandardCharsets.UTF_8));
            AgentEvent started = event(run, "DecisionStarted", "{'decision_type':'loan_approval'}", now);
            send(events, started);
            AgentEvent farMade = event(run, "DecisionMade", "{'outcome':'approve','valid_from':'+999999999-12-31T23:59:59Z'}", now);
            send(events, farMade);
            AgentEvent farTraced = event(run, "DecisionTraced", "{'id':'" + EventIds.newId()
                    + "','decision_type':'loan_approval','outcome':'deny','valid_from':'+999999999-12-31T23:59:59Z'}", now);
            send(events, farTraced);
            AgentEvent made = event(run, "DecisionMade", "{'outcome':'approve','valid_from':'2026-11-22T11:00:00Z'}", now);
            send(events, made);

            List<ConsumerRecord<String, byte[]>> published = TestTopics.readAll(decisions, 1, Duration.ofSeconds(60));
            assertEquals(1, published.size(), "the valid decision after the poison is assembled");
            DecisionRecord decision = DecisionRecord.fromBytes(published.get(0).value());
            assertEquals(started.id(), decision.id());
            assertEquals(made.id(), decision.sourceEventId());
            assertEquals(Instant.parse("2026-11-22T11:00:00Z"), decision.validFrom());

            List<ConsumerRecord<String, byte[]>> rejected = TestTopics.readAll(rejectedTopic, 3, Duration.ofSeconds(30));
            assertEquals(3, rejected.size());
            JsonNode unreadable = EventJson.MAPPER.readTree(rejected.get(0).value());
            assertEquals("unreadable", unreadable.path("reason").asText());
            assertTrue(unreadable.path("message").asText().contains("not an agent event"), unreadable.toString());
            assertEquals(events, header(rejected.get(0), "__streams.errors.topic"));
            assertEquals("0", header(rejected.get(0), "__streams.errors.partition"));
            assertEquals("0", header(rejected.get(0), "__streams.errors.offset"));
            for (int i = 1; i <= 2; i++) {
                JsonNode report = EventJson.MAPPER.readTree(rejected.get(i).value());
                // Refused by the payload parser the ingest door shares, naming the field.
                assertEquals("invalid_payload", report.path("reason").asText(), report.toString());
                assertEquals("payload.valid_from", report.path("field").asText(), report.toString());
                assertEquals(AGENT, rejected.get(i).key());
            }
            assertEquals(farMade.id().toString(), EventJson.MAPPER.readTree(rejected.get(1).value()).path("event_id").asText());
            assertEquals(farTraced.id().toString(), EventJson.MAPPER.readTree(rejected.get(2).value()).path("event_id").asText());

            assertEquals(KafkaStreams.State.RUNNING, stream.state());
            HttpJson health = new HttpJson(stream.port());
            assertEquals(200, health.get("/health", null).status());
            String metrics = health.get("/metrics", null).raw().body();
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith("kyoyu_decision_events_rejected_total{")
                    && line.contains("reason=\"unreadable\"") && line.endsWith(" 1.0")), metrics);
        }
    }
}
