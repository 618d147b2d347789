package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** query-api's /health against its real PostgreSQL, and /metrics on a separate management port. */
class QueryHealthIT {
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;
    private static HttpJson management;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_QUERY_MANAGEMENT_PORT", "0");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
        management = new HttpJson(app.metricsPort());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    @Test
    @DisplayName("with a management port set, /metrics answers there and is 404 on the API's port; /health answers on both")
    void metricsMoveToTheManagementPort() {
        assertNotEquals(app.port(), app.metricsPort());
        HttpJson.Response metrics = management.get("/metrics", null);
        assertEquals(200, metrics.status());
        assertTrue(metrics.raw().body().contains("hikaricp_connections"), "Prometheus text expected");
        assertEquals(404, http.get("/metrics", null).status());
        assertEquals(200, http.get("/health", null).status());
        assertEquals(200, management.get("/health", null).status());
    }

    @Test
    @DisplayName("/health is 503 while PostgreSQL refuses the database, 200 again once it accepts it; /health/live stays 200")
    void readinessFollowsTheDatabase() throws SQLException {
        Await.until(Duration.ofSeconds(10), "ready at first", () -> http.get("/health", null).status() == 200);
        try {
            refuseConnections(true);
            Await.until(Duration.ofSeconds(20), "/health answering 503 while the database refuses connections", () -> {
                HttpJson.Response health = http.get("/health", null);
                return health.status() == 503 && health.data().path("checks").path("postgres").asText().startsWith("unreachable");
            });
            assertEquals(200, http.get("/health/live", null).status(), "alive although not ready");
            assertNoSecretIn(http.get("/health", null).raw().body());
        } finally {
            refuseConnections(false);
        }
        Await.until(Duration.ofSeconds(20), "/health answering 200 once the database accepts connections again",
                () -> http.get("/health", null).status() == 200);
        assertNoSecretIn(http.get("/health", null).raw().body());
    }

    private static void assertNoSecretIn(String body) {
        String password = TestStack.pgPassword();
        if (!password.isEmpty()) {
            assertFalse(body.contains(password), "the database password is on /health: " + body);
        }
    }

    /** No one, the owner included, may connect while refused; those already connected are ended. */
    private static void refuseConnections(boolean refuse) throws SQLException {
        String name = db.url().replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
        try (Connection admin = DriverManager.getConnection(TestStack.adminPgUrl(), TestStack.pgUser(), TestStack.pgPassword());
             Statement statement = admin.createStatement()) {
            statement.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS " + !refuse);
            if (refuse) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name + "'");
            }
        }
    }
}
