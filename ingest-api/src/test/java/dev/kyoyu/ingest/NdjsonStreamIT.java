package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Enumeration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** POST /v1/events streams NDJSON: a 50 MB body passes through an ingest-api whose whole heap is 64 MB. */
class NdjsonStreamIT {
    private static final String AGENT = "bulk-agent";
    private static final int EVENTS = 100_000;
    private static String topic;
    private static ChildProcess ingest;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        topic = TestTopics.create("ndjson", 3);
        ingest = ChildProcess.java(IngestMain.class).heap("64m").httpPort("KYOYU_INGEST_PORT").env(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", topic,
                TokenKeys.SIGNING_KEY, TestTokens.PRIMARY.signingSetting(),
                TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY),
                "KYOYU_IDENTITIES_TOPIC", TestTopics.create("ndjson-identities", 1),
                "KYOYU_ID_SECRET", TestSecrets.ID,
                "KYOYU_INGEST_PRODUCER_BUFFER_BYTES", Integer.toString(8 * 1024 * 1024)))
                .startHealthy();
        token = TestTokens.token(AGENT, Role.AGENT);
    }

    @AfterAll
    static void stop() throws Exception {
        assertEquals(0, ingest.terminate(), "SIGTERM ends the ingest API with exit status 0");
    }

    /** Line i of the body, generated on the fly so the client does not hold the body either. */
    private static byte[] line(UUID runId, int i) {
        if (i == 17) {
            return "{not json\n".getBytes(StandardCharsets.UTF_8);
        }
        if (i == 4242) {
            return "{\"event_type\":\"ToolCalled\"}\n".getBytes(StandardCharsets.UTF_8);
        }
        String text = "observation " + i + " " + "lorem ipsum dolor sit amet ".repeat(16);
        return ("{\"run_id\":\"" + runId + "\",\"event_type\":\"Observation\",\"payload\":{\"i\":" + i
                + ",\"text\":\"" + text + "\"}}\n").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void streamsA50MegabyteBodyAndReportsBadLinesByIndex() throws Exception {
        HttpJson.Response run = new HttpJson(ingest.port()).postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), run.raw().body());
        UUID runId = UUID.fromString(run.data().path("id").asText());
        long[] size = {0};
        for (int i = 0; i < EVENTS; i++) {
            size[0] += line(runId, i).length;
        }
        assertTrue(size[0] > 50_000_000L, "the body is over 50 MB: " + size[0]);

        Enumeration<InputStream> lines = new Enumeration<>() {
            private int next;

            @Override
            public boolean hasMoreElements() {
                return next < EVENTS;
            }

            @Override
            public InputStream nextElement() {
                return new ByteArrayInputStream(line(runId, next++));
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/v1/events"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/x-ndjson")
                .timeout(Duration.ofMinutes(3))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new SequenceInputStream(lines)))
                .build();
        HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(202, response.statusCode(), response.body().substring(0, Math.min(500, response.body().length())));
        JsonNode data = EventJson.MAPPER.readTree(response.body()).path("data");
        assertEquals(EVENTS - 2, data.path("accepted").asInt());
        assertEquals(17, data.path("rejected").get(0).path("index").asInt());
        assertEquals("INVALID_JSON", data.path("rejected").get(0).path("code").asText());
        assertEquals(4242, data.path("rejected").get(1).path("index").asInt());
        assertEquals("INVALID_RUN_ID", data.path("rejected").get(1).path("code").asText());
        assertEquals(EVENTS - 1, TestTopics.readAll(topic, EVENTS - 1, Duration.ofSeconds(60)).size(),
                "every accepted line is in Kafka, after the run's RunStarted");
    }

    @Test
    void refusesAnyOtherContentType() {
        HttpJson.Response response = new HttpJson(ingest.port()).post("/v1/events", token, "application/json", "{}");
        assertEquals(415, response.status());
        assertTrue(response.error().path("message").asText().contains("application/x-ndjson"));
    }
}
