package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.AgentEvent;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.TestSecrets;
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
 * A run belongs to the agent that started it: every ingest endpoint answers another agent exactly as for a
 * run that does not exist, and publishes nothing. Ids derived from an Idempotency-Key are keyed by secret
 * and agent: a retry on another replica gets the same ids, another agent or another secret other ids.
 */
class RunOwnershipIT {
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String OWNER = "owner-" + SUFFIX;
    private static final String INTRUDER = "intruder-" + SUFFIX;
    private static final String OTHER_SECRET = "another-id-secret-0123456789abcdef0123456789";
    private static String topic;
    private static IngestApp app;
    private static IngestApp replica;
    private static IngestApp otherSecret;
    private static HttpJson http;
    private static String ownerToken;
    private static String intruderToken;

    private static IngestApp start(String idSecret) {
        return IngestTestApp.start(topic, Map.of("KYOYU_ID_SECRET", idSecret));
    }

    @BeforeAll
    static void startAll() {
        topic = TestTopics.create("ownership", 1);
        app = start(TestSecrets.ID);
        replica = start(TestSecrets.ID);
        otherSecret = start(OTHER_SECRET);
        http = new HttpJson(app.port());
        ownerToken = TestTokens.token(OWNER, Role.AGENT);
        intruderToken = TestTokens.token(INTRUDER, Role.AGENT);
    }

    @AfterAll
    static void stopAll() {
        app.close();
        replica.close();
        otherSecret.close();
    }

    private static String startRun(HttpJson api, String token, Map<String, String> headers) {
        HttpJson.Response run = api.postJson("/v1/runs", token, Map.of(), headers);
        assertEquals(201, run.status(), run.raw().body());
        return run.data().path("id").asText();
    }

    private static void assertRunNotFound(HttpJson.Response answer, String runId) {
        assertEquals(404, answer.status(), answer.raw().body());
        assertEquals("NOT_FOUND", answer.error().path("code").asText());
        assertEquals("run " + runId + " not found", answer.error().path("message").asText());
    }

    /** Every event the topic holds for a run, whoever wrote it. */
    private static List<AgentEvent> eventsOf(String runId) {
        return TestTopics.readAll(topic, Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(RunOwnershipIT::decode)
                .filter(e -> e.runId().toString().equals(runId))
                .toList();
    }

    @Test
    void anotherAgentWritingIntoARunGets404AsForARunThatDoesNotExistAndNothingIsPublished() {
        String run = startRun(http, ownerToken, Map.of());
        String missing = UUID.randomUUID().toString();
        Map<String, Object> events = Map.of("events", List.of(Map.of("event_type", "ToolCalled")));

        assertRunNotFound(http.postJson("/v1/runs/" + run + "/events", intruderToken, events), run);
        assertRunNotFound(http.postJson("/v1/runs/" + missing + "/events", intruderToken, events), missing);
        assertRunNotFound(http.postJson("/v1/runs/" + run + "/complete", intruderToken, Map.of("status", "failed")), run);
        assertRunNotFound(http.postJson("/v1/trace", intruderToken, Map.of("run_id", run,
                "decision", Map.of("decision_type", "loan_approval", "outcome", "deny"))), run);
        assertRunNotFound(http.post("/v1/events", intruderToken, "application/x-ndjson",
                "{\"run_id\":\"" + run + "\",\"event_type\":\"DecisionMade\",\"payload\":{\"outcome\":\"deny\"}}\n"), run);

        List<AgentEvent> inRun = eventsOf(run);
        assertEquals(1, inRun.size(), "only the owner's RunStarted: " + inRun);
        assertEquals(OWNER, inRun.get(0).agentId());
    }

    @Test
    void anNdjsonLineNamingAnotherAgentsRunIsRejectedOnItsOwnWithNotFound() {
        String theirs = startRun(http, ownerToken, Map.of());
        String mine = startRun(http, intruderToken, Map.of());
        HttpJson.Response answer = http.post("/v1/events", intruderToken, "application/x-ndjson",
                "{\"run_id\":\"" + mine + "\",\"event_type\":\"ToolCalled\"}\n"
                        + "{\"run_id\":\"" + theirs + "\",\"event_type\":\"ToolCalled\"}\n");
        assertEquals(202, answer.status(), answer.raw().body());
        assertEquals(1, answer.data().path("accepted").asInt());
        JsonNode rejected = answer.data().path("rejected").get(0);
        assertEquals(1, rejected.path("index").asInt());
        assertEquals("NOT_FOUND", rejected.path("code").asText());
        assertEquals("run_id", rejected.path("field").asText());
        assertEquals("run " + theirs + " not found", rejected.path("message").asText());
        assertEquals(1, eventsOf(theirs).size(), "only the owner's RunStarted");
    }

    @Test
    void theOwnerWritesToItsRunOnAnyReplicaSharingTheSecretButNotUnderAnotherSecret() {
        String run = startRun(http, ownerToken, Map.of());
        Map<String, Object> events = Map.of("events", List.of(Map.of("event_type", "ToolCalled")));
        assertEquals(202, new HttpJson(replica.port()).postJson("/v1/runs/" + run + "/events", ownerToken, events).status());
        assertEquals(200, http.postJson("/v1/runs/" + run + "/complete", ownerToken, Map.of()).status());
        assertRunNotFound(new HttpJson(otherSecret.port()).postJson("/v1/runs/" + run + "/events", ownerToken, events), run);
    }

    @Test
    void idempotencyKeyIdsRepeatForARetryOnAnyReplicaAndDifferBetweenAgentsAndSecrets() {
        String key = "order-" + SUFFIX;
        Map<String, String> header = Map.of("Idempotency-Key", key);
        String first = startRun(http, ownerToken, header);
        String retry = startRun(new HttpJson(replica.port()), ownerToken, header);
        String intruders = startRun(http, intruderToken, header);
        String underOtherSecret = startRun(new HttpJson(otherSecret.port()), ownerToken, header);

        assertEquals(first, retry, "the same request retried on another replica names the same run");
        assertNotEquals(first, intruders, "another agent with the same key gets its own run");
        assertNotEquals(first, underOtherSecret, "the derivation is keyed with the secret");

        Map<String, Object> events = Map.of("events", List.of(Map.of("event_type", "ToolCalled")));
        HttpJson.Response posted = http.postJson("/v1/runs/" + first + "/events", ownerToken, events, header);
        HttpJson.Response again = new HttpJson(replica.port()).postJson("/v1/runs/" + first + "/events", ownerToken, events, header);
        assertEquals(202, posted.status(), posted.raw().body());
        assertEquals(posted.data().path("event_ids"), again.data().path("event_ids"));
        assertRunNotFound(http.postJson("/v1/runs/" + first + "/events", intruderToken, events, header), first);
        assertEquals(202, http.postJson("/v1/runs/" + intruders + "/events", intruderToken, events, header).status());
    }

    private static AgentEvent decode(ConsumerRecord<String, byte[]> record) {
        try {
            return EventJson.fromBytes(record.value());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
