package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ingest API over real HTTP against the real broker: what it acknowledges is in the topic. */
class IngestApiIT {
    private static final String AGENT = "ingest-it-" + UUID.randomUUID().toString().substring(0, 6);
    private static String topic;
    private static IngestApp app;
    private static HttpJson http;
    private static String token;

    @BeforeAll
    static void start() {
        topic = TestTopics.create("ingest", 3);
        app = IngestTestApp.start(topic, Map.of(
                "KYOYU_INGEST_MAX_BODY_BYTES", "65536",
                "KYOYU_INGEST_MAX_EVENTS_PER_REQUEST", "50",
                "KYOYU_INGEST_MAX_JSON_DEPTH", "16",
                "KYOYU_INGEST_MAX_DECISION_BYTES", "2048"));
        http = new HttpJson(app.port());
        token = TestTokens.token(AGENT, Role.AGENT);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String startRun() {
        HttpJson.Response run = http.postJson("/v1/runs", token, Map.of("metadata", Map.of("task", "it")));
        assertEquals(201, run.status(), run.body().toString());
        assertEquals(AGENT, run.data().path("agent_id").asText());
        assertEquals("running", run.data().path("status").asText());
        return run.data().path("id").asText();
    }

    @Test
    void answers202OnlyForEventsThatAreInKafkaAndListsTheRejectedOnes() {
        String runId = startRun();
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(Map.of("event_type", "ToolCalled", "payload", Map.of("i", i)));
        }
        events.set(4, Map.of("event_type", "not valid"));
        events.set(9, Map.of("event_type", "ToolCalled", "occurred_at", "yesterday"));

        HttpJson.Response answer = http.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", events));

        assertEquals(202, answer.status(), answer.body().toString());
        assertEquals(18, answer.data().path("accepted").asInt());
        JsonNode rejected = answer.data().path("rejected");
        assertEquals(2, rejected.size());
        assertEquals(4, rejected.get(0).path("index").asInt());
        assertEquals("INVALID_EVENT_TYPE", rejected.get(0).path("code").asText());
        assertEquals(9, rejected.get(1).path("index").asInt());
        assertEquals("INVALID_OCCURRED_AT", rejected.get(1).path("code").asText());
        assertFalse(answer.body().path("meta").path("request_id").asText().isEmpty());

        Set<String> acknowledged = new HashSet<>();
        answer.data().path("event_ids").forEach(id -> acknowledged.add(id.asText()));
        assertEquals(18, acknowledged.size());
        Set<String> inTopic = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : TestTopics.readAll(topic, 1000, Duration.ofSeconds(5))) {
            AgentEvent event = decode(record);
            if (event.runId().toString().equals(runId) && !event.eventType().equals("RunStarted")) {
                assertEquals(AGENT, record.key(), "records are keyed by agent id");
                inTopic.add(event.id().toString());
            }
        }
        assertEquals(acknowledged, inTopic);
    }

    @Test
    void rejectsABatchWithNoValidEventAs400WithEveryReason() {
        String runId = startRun();
        HttpJson.Response answer = http.postJson("/v1/runs/" + runId + "/events", token,
                Map.of("events", List.of(Map.of("payload", Map.of()), "text")));
        assertEquals(400, answer.status());
        assertEquals("INVALID_INPUT", answer.error().path("code").asText());
        assertEquals(2, answer.error().path("details").path("rejected").size());
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        HttpJson.Response none = http.postJson("/v1/runs", null, Map.of());
        assertEquals(401, none.status());
        assertEquals("UNAUTHORIZED", none.error().path("code").asText());
        HttpJson.Response forged = http.postJson("/v1/runs", token + "x", Map.of());
        assertEquals(401, forged.status());
        HttpJson.Response badKey = http.postJson("/auth/token", null, Map.of("agent_id", AGENT, "api_key", "0".repeat(64)));
        assertEquals(401, badKey.status());
        assertTrue(badKey.error().path("message").asText().contains(AGENT));
    }

    @Test
    void namesWhatIsWrongWithMalformedRequests() {
        String path = "/v1/runs/" + startRun() + "/events";
        assertError(http.post(path, token, "application/json", "{\"events\": [ {\"event_type\": "), 400, "INVALID_INPUT", "malformed JSON");
        assertError(http.post(path, token, "text/plain", "{}"), 415, "UNSUPPORTED_MEDIA_TYPE", "application/json");
        assertError(http.post(path, token, "application/json", "{\"events\":[{\"event_type\":\"A\",\"payload\":{\"x\":\""
                + "y".repeat(70_000) + "\"}}]}"), 413, "PAYLOAD_TOO_LARGE", "65536");
        assertError(http.post(path, token, "application/json", "{\"events\":[{\"event_type\":\"A\",\"payload\":"
                + "{\"a\":".repeat(30) + "1" + "}".repeat(30) + "}]}"), 400, "INVALID_INPUT", "nesting");
        List<Object> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add(Map.of("event_type", "A"));
        }
        assertError(http.postJson(path, token, Map.of("events", tooMany)), 400, "INVALID_INPUT", "at most 50");
        assertError(http.postJson(path, token, Map.of("evnts", List.of())), 400, "INVALID_INPUT", "events");
        assertError(http.postJson("/v1/runs/not-a-uuid/events", token, Map.of("events", List.of(Map.of("event_type", "A")))),
                400, "INVALID_INPUT", "not-a-uuid");
        assertError(http.get("/v1/nothing-here", token), 404, "NOT_FOUND", "/v1/nothing-here");
    }

    @Test
    void rejectsAnInvalidTraceAndNamesTheField() {
        HttpJson.Response missing = http.postJson("/v1/trace", token, Map.of("decision", Map.of("decision_type", "x")));
        assertError(missing, 400, "INVALID_INPUT", "decision.outcome");
        HttpJson.Response badScore = http.postJson("/v1/trace", token, Map.of("decision", Map.of("decision_type", "x", "outcome", "y",
                "alternatives", List.of(Map.of("label", "a"), Map.of("label", "b", "score", 7)))));
        assertError(badScore, 400, "INVALID_INPUT", "decision.alternatives[1].score");
        assertEquals("decision.alternatives[1].score", badScore.error().path("details").path("field").asText());
        HttpJson.Response badEvent = http.postJson("/v1/trace", token, Map.of("decision", Map.of("decision_type", "x", "outcome", "y"),
                "events", List.of(Map.of("event_type", "ok ok"))));
        assertError(badEvent, 400, "INVALID_INPUT", "events[0].event_type");
        HttpJson.Response huge = http.postJson("/v1/trace", token, Map.of("decision", Map.of("decision_type", "x", "outcome", "y",
                "reasoning", "z".repeat(3000))));
        assertError(huge, 413, "PAYLOAD_TOO_LARGE", "the limit is 2048");
    }

    @Test
    void servesHealthAndPrometheusMetricsWithoutAuth() {
        assertEquals(200, http.get("/health", null).status());
        HttpJson.Response metrics = http.get("/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.raw().body().contains("kyoyu_events_ingested_total"), "ingest counter exported");
    }

    private static void assertError(HttpJson.Response response, int status, String code, String messagePart) {
        assertEquals(status, response.status(), response.raw().body());
        assertEquals(code, response.error().path("code").asText(), response.raw().body());
        String message = response.error().path("message").asText();
        assertTrue(message.contains(messagePart), "message '" + message + "' should mention '" + messagePart + "'");
    }

    private static AgentEvent decode(ConsumerRecord<String, byte[]> record) {
        try {
            return EventJson.fromBytes(record.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
