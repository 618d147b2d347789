package dev.kyoyu.testsupport;

import dev.kyoyu.testsupport.infra.ContainerStack;
import dev.kyoyu.testsupport.infra.TestInfrastructure;

/**
 * Where the real broker and database are: on the local stack ./kyoyu test starts them and exports these
 * variables; on the containers stack (see {@link TestInfrastructure}) Testcontainers starts them in this JVM.
 * Tests never use the stack's own database or topics, so a running ./kyoyu up is not disturbed.
 */
public final class TestStack {
    private TestStack() {
    }

    public static String kafkaBootstrap() {
        return onContainers() ? ContainerStack.get().kafkaBootstrap() : env("KYOYU_TEST_KAFKA_BOOTSTRAP");
    }

    /** JDBC URL of a maintenance database, used to create and drop the per-test databases. */
    public static String adminPgUrl() {
        return onContainers() ? ContainerStack.get().adminPgUrl() : env("KYOYU_TEST_PG_URL");
    }

    public static String pgUser() {
        return onContainers() ? ContainerStack.get().pgUser() : System.getenv().getOrDefault("KYOYU_TEST_PG_USER", "kyoyu");
    }

    public static String pgPassword() {
        return onContainers() ? ContainerStack.get().pgPassword() : System.getenv().getOrDefault("KYOYU_TEST_PG_PASSWORD", "");
    }

    private static boolean onContainers() {
        return TestInfrastructure.current() == TestInfrastructure.CONTAINERS;
    }

    /**
     * Whether this run puts every service behind PgBouncer ({@code ./kyoyu test --pooler}): {@link #adminPgUrl()}
     * is then PgBouncer's, and every {@link LocalStack} runs {@code up --pooler}.
     */
    public static boolean pooler() {
        return "1".equals(System.getenv("KYOYU_TEST_POOLER"));
    }

    /**
     * JDBC URL of the maintenance database on the primary itself, never through a pooler: for what needs the server,
     * not a session (a streaming replica copies from it).
     */
    public static String directAdminPgUrl() {
        if (onContainers()) {
            return adminPgUrl();
        }
        String direct = System.getenv("KYOYU_TEST_PG_DIRECT_URL");
        return direct == null || direct.isBlank() ? adminPgUrl() : direct;
    }

    /** The real redis-server ./kyoyu test starts, for the rate limits shared by replicas. */
    public static String redisUrl() {
        return env("KYOYU_TEST_REDIS_URL");
    }

    /** The repository root, for tests that drive ./kyoyu itself. */
    public static String stackDir() {
        return env("KYOYU_TEST_STACK_DIR");
    }

    private static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set: run the integration tests through ./kyoyu test, "
                    + "which starts the real Kafka, PostgreSQL and Redis and sets it");
        }
        return value;
    }
}
