package dev.kyoyu.system.drills;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 12 item 7 on a stack started by the launcher: each service process holds only the secrets it needs (read
 * from its /proc/PID/environ), no /health shows a secret, and the database takes TCP logins only with the
 * instance's own generated password, which postgres.sh sets again on every start.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("drill: secrets go only where they are needed")
class SecretsPerServiceIT {
    /** What the launcher hands each service; every other secret of the stack's environment is withheld. */
    private static final Map<String, Set<String>> NEEDS = Map.of(
            "ingest-api", Set.of("KYOYU_TOKEN_SIGNING_KEY", "KYOYU_ID_SECRET"),
            "query-api", Set.of("KYOYU_PG_PASSWORD", "KYOYU_EMBEDDING_API_KEY"),
            "sink-worker", Set.of("KYOYU_PG_PASSWORD"),
            "decision-stream", Set.of());

    private LocalStack stack;

    @BeforeAll
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void start() {
        stack = LocalStack.isolated("secrets");
        stack.up("ingest-api", "query-api", "sink-worker", "decision-stream");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("each service's environment holds the secrets it needs and none of the others")
    void eachServiceHoldsOnlyItsSecrets() throws IOException {
        Set<String> stackSecrets = stack.env().keySet().stream().filter(SecretsPerServiceIT::isSecret)
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(stackSecrets.contains("KYOYU_PG_PASSWORD") && stackSecrets.contains("KYOYU_ID_SECRET"), stackSecrets.toString());
        for (Map.Entry<String, Set<String>> service : NEEDS.entrySet()) {
            Map<String, String> environ = environ(stack.pid(service.getKey()));
            Set<String> held = environ.keySet().stream().filter(SecretsPerServiceIT::isSecret)
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> extra = new TreeSet<>(held);
            extra.removeAll(service.getValue());
            assertTrue(extra.isEmpty(), service.getKey() + " holds secrets it does not need: " + extra);
            for (String needed : service.getValue()) {
                if (stackSecrets.contains(needed)) {
                    assertEquals(stack.env().get(needed), environ.get(needed), service.getKey() + " lacks " + needed);
                }
            }
        }
    }

    @Test
    @Order(2)
    @DisplayName("no service's /health shows a secret")
    void healthShowsNoSecret() {
        int[] ports = {stack.ingestPort(), stack.queryPort(), stack.sinkPort(1), Integer.parseInt(stack.env().get("KYOYU_STREAM_PORT"))};
        for (int port : ports) {
            LocalStack.HealthProbe health = stack.health(port);
            assertEquals(200, health.status(), "port " + port + ": " + health.body());
            stack.env().forEach((name, value) -> {
                if (isSecret(name)) {
                    assertFalse(health.body().contains(value), name + " is on /health of port " + port);
                }
            });
        }
    }

    @Test
    @Order(3)
    @DisplayName("PostgreSQL refuses a TCP login without the instance's password, and sets it again on start over an old one")
    void databaseTakesOnlyTheInstancePassword() throws SQLException {
        assertThrows(SQLException.class, () -> DriverManager.getConnection(stack.pgUrl(), "kyoyu", "").close());
        // A cluster made before the password was generated had the fixed one.
        try (Connection db = stack.connect(); Statement statement = db.createStatement()) {
            statement.execute("ALTER ROLE kyoyu PASSWORD 'kyoyu'");
        }
        stack.stop("postgres");
        stack.start("postgres");
        assertThrows(SQLException.class, () -> DriverManager.getConnection(stack.pgUrl(), "kyoyu", "kyoyu").close());
        try (Connection db = stack.connect()) {
            assertTrue(db.isValid(2));
        }
    }

    /** The launcher's rule (deploy/local/lib.sh is_secret_name): the name says it is one. */
    private static boolean isSecret(String name) {
        return name.contains("SECRET") || name.contains("PASSWORD") || name.contains("SIGNING_KEY")
                || name.contains("PRIVATE_KEY") || name.contains("_API_KEY");
    }

    private static Map<String, String> environ(long pid) throws IOException {
        String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ")));
        return java.util.Arrays.stream(raw.split("\0")).filter(entry -> entry.indexOf('=') > 0)
                .collect(Collectors.toMap(entry -> entry.substring(0, entry.indexOf('=')),
                        entry -> entry.substring(entry.indexOf('=') + 1), (a, b) -> b));
    }
}
