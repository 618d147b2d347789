package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two query-api replicas on the real database sharing their buckets through the real redis-server: one identity's
 * queries, alternating between them, are allowed 3 per hour in all (no burst), not 3 on each.
 */
class SharedQueryRateLimitIT {
    private static final String PREFIX = "shared-query-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final Map<String, Object> QUERY = Map.of("filters", Map.of("decision_type", "loan_approval"));
    private static TestDatabase db;
    private static QueryApp a;
    private static QueryApp b;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        a = replica();
        b = replica();
    }

    private static QueryApp replica() {
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_RATE_QUERIES", "3/h");
        env.put("KYOYU_RATE_BURST", "1");
        env.put("KYOYU_REDIS_URL", TestStack.redisUrl());
        return QueryApp.start(QueryConfig.fromEnv(env));
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        db.close();
    }

    @Test
    void twoReplicasTogetherAllowAnIdentityItsQueryLimitOnce() {
        String token = QueryTestApp.token(PREFIX + "q");
        List<HttpJson> replicas = List.of(new HttpJson(a.port()), new HttpJson(b.port()));
        List<Integer> statuses = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            HttpJson.Response answer = replicas.get(i % 2).postJson("/v1/query", token, QUERY);
            statuses.add(answer.status());
            remaining.add(answer.raw().headers().firstValue("RateLimit-Remaining").orElse("-"));
        }
        assertEquals(List.of(200, 200, 200, 429, 429, 429, 429, 429), statuses, "remaining: " + remaining);
        assertEquals(List.of("2", "1", "0", "0", "0", "0", "0", "0"), remaining, "one bucket counts down across both");
    }
}
