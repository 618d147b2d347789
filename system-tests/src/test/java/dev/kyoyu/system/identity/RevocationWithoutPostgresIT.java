package dev.kyoyu.system.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.schemas.Topics;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
 * Issue 12, drill: revocation on ingest-api while PostgreSQL is down. An isolated stack of the test's own runs one
 * ingest-api process (started by ./kyoyu) and a second replica in this JVM, both on that stack's Kafka; its
 * PostgreSQL is stopped before anything is revoked. Ingest authenticates from the identity topic alone, so it keeps
 * admitting valid tokens and refuses the revoked one. Last, Kafka is stopped too: a replica that cannot follow the
 * topic must say so on /health once its view is older than KYOYU_IDENTITY_STALE_AFTER.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@DisplayName("drill: revocation on two ingest-api replicas with PostgreSQL stopped")
class RevocationWithoutPostgresIT {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration STALE_AFTER = Duration.ofSeconds(3);

    private LocalStack stack;
    private IngestApp second;
    private List<Replica> replicas;
    private IdentityRecords identities;
    private final TestTokens.Key tokens = TestTokens.PRIMARY;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void start() {
        stack = LocalStack.isolated("revocation-nopg", Map.of("KYOYU_IDENTITY_STALE_AFTER", STALE_AFTER.toSeconds() + "s"));
        stack.up("ingest-api");
        Map<String, String> env = new HashMap<>(stack.env());
        env.put("KYOYU_INGEST_PORT", "0");
        env.put("KYOYU_KAFKA_BOOTSTRAP", stack.kafkaBootstrap());
        second = IngestApp.start(IngestConfig.fromEnv(env));
        replicas = List.of(Replica.ingest("ingest-api process", stack.ingestPort()), Replica.ingest("ingest-api in JVM", second.port()));
        identities = new IdentityRecords(stack.kafkaBootstrap(), Topics.IDENTITIES);
        stack.stop("postgres");
    }

    @AfterAll
    void stop() {
        if (identities != null) {
            identities.close();
        }
        if (second != null) {
            second.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    @DisplayName("with PostgreSQL stopped, both replicas refuse a revoked agent's token within 5 s and keep accepting valid ones")
    void revocationAppliesWithoutPostgres() {
        assertFalse(stack.isRunning("postgres"), "PostgreSQL should be stopped for this drill");
        String revoked = "nopg-revoked-" + UUID.randomUUID().toString().substring(0, 6);
        String valid = "nopg-valid-" + UUID.randomUUID().toString().substring(0, 6);
        String revokedToken = tokens.token(revoked, Role.AGENT, "k-" + revoked);
        String validToken = tokens.token(valid, Role.AGENT, "k-" + valid);
        for (Replica replica : replicas) {
            assertEquals(201, replica.ask(revoked, revokedToken).status(), () -> replica + " did not admit the token before the revocation");
        }

        long published = System.nanoTime();
        identities.publish(IdentityRecords.agent(revoked, Role.AGENT, true, Instant.now()));
        for (Replica replica : replicas) {
            Duration delay = replica.awaitRefusal(revoked, revokedToken, published, BOUND);
            System.out.printf("PostgreSQL stopped: %s refused the revoked token %d ms after publication%n", replica, delay.toMillis());
        }

        for (Replica replica : replicas) {
            HttpJson.Response run = replica.ask(valid, validToken);
            assertEquals(201, run.status(), () -> replica + " no longer accepts a valid token: " + run.body());
            HttpJson.Response health = replica.http().get("/health", null);
            assertEquals(200, health.status(), () -> replica + " is not healthy while only PostgreSQL is down: " + health.body());
        }
    }

    @Test
    @Order(2)
    @DisplayName("with Kafka stopped as well, each replica reports not ready once its identity view is older than the stale bound")
    void replicaThatCannotFollowReportsNotReady() {
        stack.stop("kafka");
        for (int port : new int[] {stack.ingestPort(), second.port()}) {
            // Kafka's own check goes 503 first; the identity view follows once its last confirmation is too old.
            Await.until(STALE_AFTER.plusSeconds(20), "ingest-api on " + port + " reporting its identity view stale", () -> {
                LocalStack.HealthProbe health = stack.health(port);
                return health.status() == 503 && health.body().contains("stale");
            });
        }
    }
}
