package dev.kyoyu.ingest;

import dev.kyoyu.testsupport.TestTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two ingest-api replicas in this JVM, on the real broker, with one identity's requests alternating between them:
 * through the real redis-server they share one bucket and together allow its limit once; without Redis each allows
 * its own. Limits are tiny and refill slowly (5 requests/h for agents, 8/h for admins, no burst), so the count is exact.
 */
class SharedRateLimitIT {
    private static final String PREFIX = "shared-rate-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final int REQUESTS = 12;
    private static String topic;

    @BeforeAll
    static void createTopic() {
        topic = TestTopics.create("shared-rate", 1);
    }

    private static IngestApp replica(boolean redis) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "KYOYU_RATE_INGEST_REQUESTS", "5/h",
                "KYOYU_RATE_INGEST_REQUESTS_ADMIN", "8/h",
                "KYOYU_RATE_BURST", "1"));
        if (redis) {
            settings.put("KYOYU_REDIS_URL", TestStack.redisUrl());
        }
        return IngestTestApp.start(topic, settings);
    }

    private static String token(String agent, Role role) {
        return TestTokens.token(agent, role);
    }

    /** Creates runs, alternating between the replicas; the statuses in order. */
    private static List<Integer> alternate(String token, IngestApp... replicas) {
        List<HttpJson> clients = Arrays.stream(replicas).map(app -> new HttpJson(app.port())).toList();
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
    void twoReplicasSharingRedisTogetherAllowOneIdentityItsLimitOnce() {
        try (IngestApp a = replica(true); IngestApp b = replica(true)) {
            List<Integer> statuses = alternate(token(PREFIX + "agent", Role.AGENT), a, b);
            assertEquals(5, count(statuses, 201), "accepted across both replicas: " + statuses);
            assertEquals(REQUESTS - 5, count(statuses, 429), "refused: " + statuses);

            List<Integer> admin = alternate(token(PREFIX + "ops", Role.ADMIN), a, b);
            assertEquals(8, count(admin, 201), "an admin's own, larger limit, shared too: " + admin);
        }
    }

    @Test
    void withoutRedisEachReplicaAllowsItsOwnLimit() {
        try (IngestApp a = replica(false); IngestApp b = replica(false)) {
            List<Integer> statuses = alternate(token(PREFIX + "local", Role.AGENT), a, b);
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
            List<Integer> statuses = alternate(token(PREFIX + "open", Role.AGENT), app);
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
