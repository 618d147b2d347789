package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ingest-api replicas, one in this JVM and one a process of its own, on the real broker, with one identity's
 * requests alternating between them: through the real redis-server they share one bucket and together allow its
 * limit once; without Redis each allows its own. Limits are tiny and refill slowly (5 requests/h for agents, 8/h for
 * admins, no burst), so the count is exact.
 */
class SharedRateLimitIT {
    private static final String PREFIX = "shared-rate-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final int REQUESTS = 12;
    private static String topic;

    @BeforeAll
    static void createTopic() {
        topic = TestTopics.create("shared-rate", 1);
    }

    private static Map<String, String> limits(boolean redis) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "KYOYU_RATE_INGEST_REQUESTS", "5/h",
                "KYOYU_RATE_INGEST_REQUESTS_ADMIN", "8/h",
                "KYOYU_RATE_BURST", "1"));
        if (redis) {
            settings.put("KYOYU_REDIS_URL", TestStack.redisUrl());
        }
        return settings;
    }

    private static IngestApp replica(boolean redis) {
        return IngestTestApp.start(topic, limits(redis));
    }

    /** The other replica as its own process: nothing but Redis can carry a count between the two. */
    private static ChildProcess replicaProcess(boolean redis) throws IOException {
        Map<String, String> env = new HashMap<>(limits(redis));
        env.putAll(TestTokens.env());
        env.putAll(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", topic,
                "KYOYU_IDENTITIES_TOPIC", ServiceEnv.identitiesTopic(),
                "KYOYU_ID_SECRET", TestSecrets.ID));
        return ChildProcess.java(IngestMain.class).heap("96m").httpPort("KYOYU_INGEST_PORT").env(env).startHealthy();
    }

    private static String token(String agent, Role role) {
        return TestTokens.token(agent, role);
    }

    /** Creates runs, alternating between the replicas (their ports); the statuses in order. */
    private static List<Integer> alternate(String token, int... ports) {
        List<HttpJson> clients = Arrays.stream(ports).mapToObj(HttpJson::new).toList();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            statuses.add(clients.get(i % clients.size()).postJson("/v1/runs", token, Map.of()).status());
        }
        return statuses;
    }

    private static long count(List<Integer> statuses, int status) {
        return statuses.stream().filter(s -> s == status).count();
    }

    @Test
    void twoReplicasSharingRedisTogetherAllowOneIdentityItsLimitOnce() throws IOException {
        try (IngestApp a = replica(true); ChildProcess b = replicaProcess(true)) {
            List<Integer> statuses = alternate(token(PREFIX + "agent", Role.AGENT), a.port(), b.port());
            assertEquals(5, count(statuses, 201), "accepted across both replicas: " + statuses);
            assertEquals(REQUESTS - 5, count(statuses, 429), "refused: " + statuses);

            List<Integer> admin = alternate(token(PREFIX + "ops", Role.ADMIN), a.port(), b.port());
            assertEquals(8, count(admin, 201), "an admin's own, larger limit, shared too: " + admin);
        }
    }

    @Test
    void withoutRedisEachReplicaAllowsItsOwnLimit() throws IOException {
        try (IngestApp a = replica(false); ChildProcess b = replicaProcess(false)) {
            List<Integer> statuses = alternate(token(PREFIX + "local", Role.AGENT), a.port(), b.port());
            assertEquals(10, count(statuses, 201), "five on each replica: " + statuses);
            assertEquals(2, count(statuses, 429), "the sixth on each: " + statuses);
        }
    }

    @Test
    void anUnreachableRedisFailsOpenOntoThisProcessesBucketsAndCountsIt() throws Exception {
        Map<String, String> settings = Map.of("KYOYU_RATE_INGEST_REQUESTS", "2/h", "KYOYU_RATE_BURST", "1",
                // Nothing listens on port 1 of the loopback.
                "KYOYU_REDIS_URL", "redis://127.0.0.1:1", "KYOYU_REDIS_TIMEOUT", "200ms");
        try (IngestApp app = IngestTestApp.start(topic, settings)) {
            List<Integer> statuses = alternate(token(PREFIX + "open", Role.AGENT), app.port());
            assertEquals(List.of(201, 201), statuses.subList(0, 2), "served while Redis is down: " + statuses);
            assertEquals(REQUESTS - 2, count(statuses, 429), "and still limited, per process: " + statuses);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            String line = metrics.body().lines().filter(l -> l.startsWith("kyoyu_rate_store_fallbacks_total"))
                    .findFirst().orElseThrow(() -> new AssertionError("no fallback counter in /metrics"));
            assertTrue(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) >= REQUESTS, line);
        }
    }
}
