package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-agent limits on the real query API and database: 2 searches and 4 queries per hour and agent, no burst beyond. */
class QueryRateLimitIT {
    private static final String PREFIX = "query-rate-" + UUID.randomUUID().toString().substring(0, 6) + "-";
    private static final Map<String, Object> SEARCH = Map.of("query", "loan approval for a customer with high income", "limit", 5);
    private static final Map<String, Object> QUERY = Map.of("filters", Map.of("decision_type", "loan_approval"));
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_RATE_SEARCHES", "2/h");
        env.put("KYOYU_RATE_QUERIES", "4/h");
        env.put("KYOYU_RATE_BURST", "1");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static long header(HttpResponse<String> raw, String name) {
        return Long.parseLong(raw.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header")));
    }

    @Test
    void searchesOverTheLimitAre429WhileTheAgentsQueriesAndOtherAgentsGoOn() {
        String agent = QueryTestApp.token(PREFIX + "s");
        for (int remaining = 1; remaining >= 0; remaining--) {
            HttpJson.Response search = http.postJson("/v1/search", agent, SEARCH);
            assertEquals(200, search.status(), search.raw().body());
            assertEquals(2, header(search.raw(), "RateLimit-Limit"));
            assertEquals(remaining, header(search.raw(), "RateLimit-Remaining"));
        }

        HttpJson.Response refused = http.postJson("/v1/search", agent, SEARCH);

        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("RATE_LIMITED", refused.error().path("code").asText());
        assertEquals("searches", refused.error().path("details").path("limit").asText());
        assertTrue(refused.error().path("message").asText().contains("2 searches/h"), refused.raw().body());
        long retryAfter = header(refused.raw(), "Retry-After");
        assertTrue(retryAfter >= 1 && retryAfter <= 1800, "one search comes back within half an hour, not " + retryAfter);
        assertEquals(2, header(refused.raw(), "RateLimit-Limit"));
        assertEquals(0, header(refused.raw(), "RateLimit-Remaining"));
        assertTrue(header(refused.raw(), "RateLimit-Reset") >= retryAfter);

        HttpJson.Response query = http.postJson("/v1/query", agent, QUERY);
        assertEquals(200, query.status(), "structured queries have their own limit: " + query.raw().body());
        assertEquals(4, header(query.raw(), "RateLimit-Limit"));
        HttpJson.Response other = http.postJson("/v1/search", QueryTestApp.token(PREFIX + "t"), SEARCH);
        assertEquals(200, other.status(), "another agent searches on: " + other.raw().body());
    }

    @Test
    void structuredTemporalRunHistoryAndConflictQueriesShareTheAgentsQueryLimit() {
        String name = PREFIX + "q";
        String agent = QueryTestApp.token(name);
        List<HttpJson.Response> counted = List.of(
                http.postJson("/v1/query", agent, QUERY),
                http.get("/v1/runs/" + UUID.randomUUID(), agent),
                http.get("/v1/agents/" + name + "/history", agent),
                http.get("/v1/conflicts", agent));
        for (HttpJson.Response answer : counted) {
            assertNotEquals(429, answer.status(), answer.raw().body());
        }

        HttpJson.Response refused = http.postJson("/v1/query/temporal", agent, Map.of("as_of", "2026-01-01T00:00:00Z"));

        assertEquals(429, refused.status(), refused.raw().body());
        assertEquals("queries", refused.error().path("details").path("limit").asText());
        assertEquals(4, header(refused.raw(), "RateLimit-Limit"));
        assertTrue(header(refused.raw(), "Retry-After") >= 1);
    }
}
