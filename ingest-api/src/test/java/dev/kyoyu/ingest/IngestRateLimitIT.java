package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.EventIds;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Clock;
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

/**
 * Per-agent rate limits on the real ingest API and broker, with limits tiny enough to reach in a few requests:
 * 3 requests and 8 events per hour and agent (6 requests and 12 events for admins), no burst beyond that.
 */
class IngestRateLimitIT {
    private static final String PREFIX = "rate-it-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static String topic;
    private static IngestApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        topic = TestTopics.create("rate-limits", 1);
        app = IngestTestApp.start(topic, Map.of(
                "KYOYU_INGEST_MAX_EVENTS_PER_REQUEST", "5",
                "KYOYU_RATE_INGEST_REQUESTS", "3/h",
                "KYOYU_RATE_INGEST_EVENTS", "8/h",
                "KYOYU_RATE_INGEST_REQUESTS_ADMIN", "6/h",
                "KYOYU_RATE_INGEST_EVENTS_ADMIN", "12/h",
                "KYOYU_RATE_BURST", "1"));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String token(String agent) {
        return TestTokens.token(agent, Role.AGENT);
    }

    private static String startRun(String token) {
        HttpJson.Response run = http.postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        return run.data().path("id").asText();
    }

    /** {@code count} events with ids chosen here, so the test can look for them in the topic whatever the answer. */
    private static List<UUID> postEvents(String token, String runId, int count, int expectedStatus) {
        List<UUID> ids = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            UUID id = EventIds.newId();
            ids.add(id);
            events.add(Map.of("id", id.toString(), "event_type", "ToolCalled", "payload", Map.of("i", i)));
        }
        HttpJson.Response answer = http.postJson("/v1/runs/" + runId + "/events", token, Map.of("events", events));
        assertEquals(expectedStatus, answer.status(), answer.raw().body());
        return ids;
    }

    private static Set<UUID> eventIdsInTopic() {
        Set<UUID> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : KafkaProbe.readToEnd(TestStack.kafkaBootstrap(), topic, Duration.ofSeconds(30))) {
            try {
                ids.add(EventJson.fromBytes(record.value()).id());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ids;
    }

    private static long header(HttpResponse<String> raw, String name) {
        return Long.parseLong(raw.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header")));
    }

    @Test
    void anAgentOverItsRequestRateGets429WithRetryAfterWhileAnotherAgentIsServed() {
        String a = token(PREFIX + "a");
        String b = token(PREFIX + "b");
        String runId = startRun(a);
        postEvents(a, runId, 1, 202);
        HttpJson.Response third = http.postJson("/v1/runs/" + runId + "/complete", a, Map.of());
        assertEquals(200, third.status(), third.raw().body());
        assertEquals(3, header(third.raw(), "RateLimit-Limit"), "answers that were counted carry the headers too");
        assertEquals(0, header(third.raw(), "RateLimit-Remaining"));

        List<UUID> refusedIds = new ArrayList<>();
        HttpJson.Response refused = http.postJson("/v1/runs/" + runId + "/events", a,
                Map.of("events", List.of(Map.of("id", remember(refusedIds).toString(), "event_type", "ToolCalled"))));
        HttpJson.Response other = http.postJson("/v1/runs", b, Map.of());

        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("RATE_LIMITED", refused.error().path("code").asText());
        assertTrue(refused.error().path("message").asText().contains("3 requests/h"), refused.raw().body());
        long retryAfter = header(refused.raw(), "Retry-After");
        assertTrue(retryAfter >= 1 && retryAfter <= 1200, "one request comes back within 20 minutes, not " + retryAfter);
        assertEquals(3, header(refused.raw(), "RateLimit-Limit"));
        assertEquals(0, header(refused.raw(), "RateLimit-Remaining"));
        assertTrue(header(refused.raw(), "RateLimit-Reset") >= retryAfter, "full again no sooner than one token is back");
        assertEquals(201, other.status(), "another agent is not slowed by the first: " + other.raw().body());
        assertEquals(3, header(other.raw(), "RateLimit-Limit"));
        assertEquals(2, header(other.raw(), "RateLimit-Remaining"));
        assertTrue(eventIdsInTopic().stream().noneMatch(refusedIds::contains), "nothing of the refused request is in Kafka");
    }

    @Test
    void eventsOverTheEventRateAre429AndNothingOfThatRequestIsInKafka() {
        String c = token(PREFIX + "c");
        String runId = startRun(c);
        List<UUID> accepted = postEvents(c, runId, 5, 202);
        // RunStarted and these five: 6 of 8 spent, so five more are three too many.
        HttpJson.Response refused = http.postJson("/v1/runs/" + runId + "/events", c, Map.of("events", List.of(
                event(), event(), event(), event(), event())));

        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("RATE_LIMITED", refused.error().path("code").asText());
        assertEquals("events", refused.error().path("details").path("limit").asText());
        assertEquals(8, header(refused.raw(), "RateLimit-Limit"), "the answer names the limit it hit");
        assertEquals(2, header(refused.raw(), "RateLimit-Remaining"));
        assertTrue(header(refused.raw(), "Retry-After") >= 1);
        Set<UUID> inTopic = eventIdsInTopic();
        assertTrue(inTopic.containsAll(accepted), "what was acknowledged is in Kafka");
        assertTrue(refusedEventIds.stream().noneMatch(inTopic::contains), "none of the refused request's five events is in Kafka");
    }

    @Test
    void aStreamOverTheEventRateIsCutAtTheLineThatGoesOver() throws IOException {
        String d = token(PREFIX + "d");
        String runId = startRun(d);
        List<UUID> ids = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (int line = 0; line < 9; line++) {
            body.append(EventJson.MAPPER.writeValueAsString(Map.of("run_id", runId, "id", remember(ids).toString(),
                    "event_type", "ToolCalled"))).append('\n');
        }

        // RunStarted took one of the eight: lines 0-6 fit, line 7 goes over.
        HttpJson.Response refused = http.post("/v1/events", d, "application/x-ndjson", body.toString());

        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("events", refused.error().path("details").path("limit").asText());
        assertEquals(0, header(refused.raw(), "RateLimit-Remaining"));
        Set<UUID> inTopic = eventIdsInTopic();
        assertTrue(ids.subList(7, 9).stream().noneMatch(inTopic::contains), "nothing from the line over the limit on is in Kafka");
    }

    @Test
    void anAdminIsCountedInABucketOfItsRolesSize() {
        String admin = TestTokens.token(PREFIX + "ops", Role.ADMIN);
        for (int remaining = 5; remaining >= 0; remaining--) {
            HttpJson.Response run = http.postJson("/v1/runs", admin, Map.of());
            assertEquals(201, run.status(), run.raw().body());
            assertEquals(6, header(run.raw(), "RateLimit-Limit"), "KYOYU_RATE_INGEST_REQUESTS_ADMIN, not the agents' 3");
            assertEquals(remaining, header(run.raw(), "RateLimit-Remaining"));
        }
        HttpJson.Response refused = http.postJson("/v1/runs", admin, Map.of());
        assertEquals(429, refused.status(), refused.raw().body());
        assertTrue(refused.error().path("message").asText().contains("6 requests/h"), refused.raw().body());
        assertTrue(header(refused.raw(), "Retry-After") >= 1);
    }

    @Test
    void anAdminsEventsAreChargedToTheAdminsEventBucket() {
        String admin = TestTokens.token(PREFIX + "ops-events", Role.ADMIN);
        String runId = startRun(admin);
        postEvents(admin, runId, 5, 202);
        // 1 + 5 + 5 = 11: more than an agent's 8, within an admin's 12.
        postEvents(admin, runId, 5, 202);
        HttpJson.Response refused = http.postJson("/v1/runs/" + runId + "/events", admin, Map.of("events", List.of(
                event(), event(), event(), event(), event())));
        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("events", refused.error().path("details").path("limit").asText());
        assertEquals(12, header(refused.raw(), "RateLimit-Limit"), "KYOYU_RATE_INGEST_EVENTS_ADMIN");
        assertEquals(1, header(refused.raw(), "RateLimit-Remaining"));
    }

    private final List<UUID> refusedEventIds = new ArrayList<>();

    private Map<String, Object> event() {
        return Map.of("id", remember(refusedEventIds).toString(), "event_type", "ToolCalled");
    }

    private static UUID remember(List<UUID> ids) {
        UUID id = EventIds.newId();
        ids.add(id);
        return id;
    }
}
