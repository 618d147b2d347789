package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * KYOYU_QUERY_STATEMENT_TIMEOUT on the query pools, in a real PostgreSQL. A query is made to outlast the limit
 * deterministically: the test holds an exclusive lock on the table it reads (statement_timeout counts lock waits).
 */
class StatementTimeoutIT {
    private static final String AGENT = "timeout-agent";
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        DecisionRows.decision(AGENT, "loan_approval", "approve").insert(db);
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_QUERY_STATEMENT_TIMEOUT", "300ms");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    /** Runs {@code request} while another session holds {@code table} locked, so the query waits past the limit. */
    private static HttpJson.Response whileLocked(String table, java.util.function.Supplier<HttpJson.Response> request) throws Exception {
        try (Connection locker = db.connect(); Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            try {
                return request.get();
            } finally {
                locker.rollback();
            }
        }
    }

    private static void assertTimedOut(HttpJson.Response response) {
        assertEquals(503, response.status(), response.raw().body());
        assertEquals("UNAVAILABLE", response.error().path("code").asText());
        String message = response.error().path("message").asText();
        assertTrue(message.contains("statement timeout of 300 ms"), message);
        assertFalse(message.contains("SQL") || message.contains("Exception") || message.contains("canceling"), message);
        assertTrue(response.raw().headers().firstValue("Retry-After").isPresent(), "Retry-After");
    }

    @Test
    @DisplayName("a query that runs past the statement timeout is 503 naming the limit, and the pool serves the next one")
    void aQueryPastTheTimeoutIs503() throws Exception {
        String token = QueryTestApp.token(AGENT);
        assertTimedOut(whileLocked("decisions", () -> http.postJson("/v1/query", token, Map.of())));
        assertTimedOut(whileLocked("decisions", () -> http.get("/v1/agents/" + AGENT + "/history", token)));
        assertTimedOut(whileLocked("conflicts", () -> http.get("/v1/conflicts", QueryTestApp.adminToken())));
        assertTimedOut(whileLocked("access_grants", () -> http.postJson("/v1/query", token, Map.of())));

        HttpJson.Response after = http.postJson("/v1/query", token, Map.of());
        assertEquals(200, after.status(), after.raw().body());
        assertEquals(1, after.data().path("total").asInt());
    }
}
