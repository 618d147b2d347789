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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever ingest answers 2xx to, the sink and the decision stream can process: times out of range, text
 * PostgreSQL cannot hold and records over Kafka's limit are refused at the door, naming the field or limit.
 */
class AcceptedMeansProcessableIT {
    private static final String AGENT = "door-it-" + UUID.randomUUID().toString().substring(0, 6);
    private static final String FAR_FUTURE = "+999999999-12-31T23:59:59Z";
    private static String topic;
    private static IngestApp app;
    private static HttpJson http;
    private static String token;

    @BeforeAll
    static void start() {
        topic = TestTopics.create("door", 1);
        app = IngestTestApp.start(topic, Map.of());
        http = new HttpJson(app.port());
        token = TestTokens.token(AGENT, Role.AGENT);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String startRun() {
        HttpJson.Response run = http.postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        return run.data().path("id").asText();
    }

    private static void assertRefused(HttpJson.Response answer, int status, String code, String field) {
        assertEquals(status, answer.status(), answer.raw().body());
        assertEquals(code, answer.error().path("code").asText(), answer.raw().body());
        assertEquals(field, answer.error().path("details").path("field").asText(), answer.raw().body());
        String message = answer.error().path("message").asText();
        assertFalse(message.contains("Exception") || message.contains("dev.kyoyu"), message);
    }

    /** The only event of a batch is rejected: 400 listing it with its code and field. */
    private static JsonNode onlyRejection(HttpJson.Response answer) {
        assertEquals(400, answer.status(), answer.raw().body());
        JsonNode rejected = answer.error().path("details").path("rejected");
        assertEquals(1, rejected.size(), answer.raw().body());
        return rejected.get(0);
    }

    @Test
    void aTraceWithValidFromBeyondTheTimeWindowIs400NamingDecisionValidFrom() {
        HttpJson.Response answer = http.postJson("/v1/trace", token, Map.of("decision",
                Map.of("decision_type", "loan_approval", "outcome", "approve", "valid_from", FAR_FUTURE)));
        assertRefused(answer, 400, "INVALID_INPUT", "decision.valid_from");
        assertTrue(answer.error().path("message").asText().contains("9999-12-31"), answer.raw().body());
    }

    @Test
    void aGranularDecisionMadeWithValidFromBeyondTheWindowIsRejectedNamingPayloadValidFrom() {
        HttpJson.Response answer = http.postJson("/v1/runs/" + startRun() + "/events", token, Map.of("events", List.of(
                Map.of("event_type", "DecisionMade", "payload", Map.of("outcome", "approve", "valid_from", FAR_FUTURE)))));
        JsonNode rejection = onlyRejection(answer);
        assertEquals("INVALID_DECISION_EVENT", rejection.path("code").asText());
        assertEquals("payload.valid_from", rejection.path("field").asText());
    }

    @Test
    void aGranularDecisionStepInsideATraceIsCheckedToo() {
        HttpJson.Response answer = http.postJson("/v1/trace", token, Map.of(
                "decision", Map.of("decision_type", "t", "outcome", "o"),
                "events", List.of(Map.of("event_type", "AlternativeConsidered", "payload", Map.of("score", 0.5)))));
        assertRefused(answer, 400, "INVALID_INPUT", "events[0].payload.label");
    }

    @Test
    void occurredAtInTheYear1800IsRejected() {
        HttpJson.Response answer = http.postJson("/v1/runs/" + startRun() + "/events", token, Map.of("events", List.of(
                Map.of("event_type", "ToolCalled", "occurred_at", "1800-01-01T00:00:00Z"))));
        JsonNode rejection = onlyRejection(answer);
        assertEquals("INVALID_OCCURRED_AT", rejection.path("code").asText());
        assertEquals("occurred_at", rejection.path("field").asText());
    }

    @Test
    void aNulInARunMetadataKeyIs400NamingMetadata() {
        HttpJson.Response answer = http.post("/v1/runs", token, "application/json", "{\"metadata\":{\"k\\u0000ey\":1}}");
        assertRefused(answer, 400, "INVALID_INPUT", "metadata");
        HttpJson.Response complete = http.post("/v1/runs/" + startRun() + "/complete", token, "application/json",
                "{\"metadata\":{\"note\":\"a\\u0000b\"}}");
        assertRefused(complete, 400, "INVALID_INPUT", "metadata.note");
        HttpJson.Response trace = http.post("/v1/trace", token, "application/json",
                "{\"metadata\":{\"x\":[\"\\ud800\"]},\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"}}");
        assertRefused(trace, 400, "INVALID_INPUT", "metadata.x[0]");
    }

    @Test
    void aLoneSurrogateInAPayloadIsRejectedNamingItsPath() {
        HttpJson.Response answer = http.post("/v1/runs/" + startRun() + "/events", token, "application/json",
                "{\"events\":[{\"event_type\":\"Observation\",\"payload\":{\"text\":\"half \\ud800 a pair\"}}]}");
        JsonNode rejection = onlyRejection(answer);
        assertEquals("INVALID_PAYLOAD", rejection.path("code").asText());
        assertEquals("payload.text", rejection.path("field").asText());
        assertTrue(rejection.path("message").asText().contains("surrogate"), rejection.toString());
    }

    @Test
    void runMetadataOverTheRecordLimitIs413NamingTheLimitWithoutRetryAfter() {
        String big = "m".repeat(1_500_000);
        HttpJson.Response answer = http.postJson("/v1/runs", token, Map.of("metadata", Map.of("blob", big)));
        assertRefused(answer, 413, "PAYLOAD_TOO_LARGE", "metadata");
        assertTrue(answer.error().path("message").asText().contains("1048576 bytes"), answer.raw().body());
        assertEquals(1048576, answer.error().path("details").path("limit_bytes").asInt());
        assertTrue(answer.raw().headers().firstValue("Retry-After").isEmpty(), "retrying cannot cure it");
        for (ConsumerRecord<String, byte[]> record : TestTopics.readAll(topic, Integer.MAX_VALUE, Duration.ofSeconds(2))) {
            assertTrue(record.value().length < 1_000_000, "nothing that large was sent");
        }
    }

    @Test
    void whatIsRefusedNeverReachesKafkaWhatIsAcceptedDoes() throws Exception {
        String run = startRun();
        HttpJson.Response mixed = http.post("/v1/runs/" + run + "/events", token, "application/json",
                "{\"events\":[{\"event_type\":\"Observation\",\"payload\":{\"n\":\"\\u0000\"}},{\"event_type\":\"Observation\",\"payload\":{\"ok\":true}}]}");
        assertEquals(202, mixed.status(), mixed.raw().body());
        assertEquals(1, mixed.data().path("accepted").asInt());
        String accepted = mixed.data().path("event_ids").get(0).asText();
        int inRun = 0;
        for (ConsumerRecord<String, byte[]> record : TestTopics.readAll(topic, Integer.MAX_VALUE, Duration.ofSeconds(3))) {
            AgentEvent event = EventJson.fromBytes(record.value());
            if (event.runId().toString().equals(run) && event.eventType().equals("Observation")) {
                assertEquals(accepted, event.id().toString());
                inRun++;
            }
        }
        assertEquals(1, inRun);
    }
}
