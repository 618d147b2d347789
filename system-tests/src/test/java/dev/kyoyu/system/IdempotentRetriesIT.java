package dev.kyoyu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.ingest.IngestMain;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.sink.SinkApp;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that times out and sends the same request again, to another ingest-api process, must not
 * create a second copy: same Idempotency-Key or same client ids, stored once.
 */
class IdempotentRetriesIT {
    private static final String AGENT = "retrying-agent";
    private static TestDatabase db;
    private static String topic;
    private static IngestApp ingestA;
    private static ChildProcess ingestB;
    private static SinkApp sink;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        topic = TestTopics.create("retries", 3);
        Map<String, String> env = ServiceEnv.of(db, topic, TestTopics.create("retries-dlq", 1));
        ingestA = IngestApp.start(IngestConfig.fromEnv(env));
        sink = SinkApp.start(SinkConfig.fromEnv(env));

        ingestB = ChildProcess.java(IngestMain.class).heap("256m").env(env).httpPort("KYOYU_INGEST_PORT").startHealthy();
    }

    @AfterAll
    static void stop() throws Exception {
        ingestB.close();
        ingestA.close();
        sink.close();
        db.close();
    }

    @Test
    @DisplayName("the same request sent to two ingest-api processes is stored once, though each stamped its own time")
    void retriesAcrossReplicasAreStoredOnce() throws Exception {
        HttpJson a = new HttpJson(ingestA.port());
        HttpJson b = new HttpJson(ingestB.port());
        String token = TestTokens.token(AGENT, Role.AGENT);

        HttpJson.Response runA = postWithKey(a, "/v1/runs", token, "run-key-1", Map.of());
        HttpJson.Response runB = postWithKey(b, "/v1/runs", token, "run-key-1", Map.of());
        assertEquals(201, runB.status(), runB.raw().body());
        String runId = runA.data().path("id").asText();
        assertEquals(runId, runB.data().path("id").asText(), "same key, same run");

        List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            events.add(Map.of("event_type", "ToolCalled", "payload", Map.of("i", i)));
        }
        HttpJson.Response first = postWithKey(a, "/v1/runs/" + runId + "/events", token, "batch-1", Map.of("events", events));
        HttpJson.Response retry = postWithKey(b, "/v1/runs/" + runId + "/events", token, "batch-1", Map.of("events", events));
        assertEquals(202, retry.status(), retry.raw().body());
        assertEquals(first.data().path("event_ids"), retry.data().path("event_ids"));

        List<Map<String, Object>> withIds = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            withIds.add(Map.of("event_type", "Observation", "id", UUID.randomUUID().toString(), "payload", Map.of("j", i)));
        }
        assertEquals(202, a.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", withIds)).status());
        assertEquals(202, b.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", withIds)).status());

        // Every request reached Kafka twice: 2 starts + 200 keyed events + 20 client-id events.
        List<ConsumerRecord<String, byte[]>> records = TestTopics.readAll(topic, 222, Duration.ofSeconds(20));
        assertEquals(222, records.size());
        assertCopiesHadDifferentServerTimes(records, first.data().path("event_ids").get(0).asText());

        Await.until(Duration.ofSeconds(30), "the events are stored",
                () -> db.queryLong("SELECT count(*) FROM agent_events WHERE run_id = ?::uuid", runId) >= 111);
        Await.until(Duration.ofSeconds(30), "the sink has read every record",
                () -> db.queryLong("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets") == 222);
        assertEquals(111, db.queryLong("SELECT count(*) FROM agent_events WHERE run_id = ?::uuid", runId),
                "1 start + 100 keyed + 10 client-id events, each once");
        assertEquals(111, db.queryLong("SELECT count(DISTINCT id) FROM agent_events WHERE run_id = ?::uuid", runId));
        assertEquals(1, db.queryLong("SELECT count(*) FROM agent_runs WHERE id = ?::uuid", runId));
    }

    private static void assertCopiesHadDifferentServerTimes(List<ConsumerRecord<String, byte[]>> records, String eventId) throws Exception {
        Set<Instant> times = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            AgentEvent event = EventJson.fromBytes(record.value());
            if (event.id().toString().equals(eventId)) {
                times.add(event.occurredAt());
            }
        }
        assertEquals(2, times.size(), "both copies are in Kafka, with different default occurred_at");
    }

    private static HttpJson.Response postWithKey(HttpJson http, String path, String token, String key, Object body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(java.net.URI.create(http.baseUrl() + path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.MAPPER.writeValueAsString(body)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode json = EventJson.MAPPER.readTree(response.body());
        return new HttpJson.Response(response.statusCode(), json, response);
    }
}
