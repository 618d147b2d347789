package dev.kyoyu.testsupport.infra;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The containers test stack: one Kafka broker and one PostgreSQL 17 with TimescaleDB and pgvector, started once
 * per test JVM on first use and removed by Testcontainers when the JVM exits. Both are set up like the local
 * stack (deploy/local/kafka.sh, postgres.sh) and give their addresses in the same shape, so tests do not know
 * which one they run on.
 */
public final class ContainerStack {
    /** The role the tests log in as, the local stack's default. */
    static final String PG_USER = "kyoyu";
    private static final int PG_PORT = 5432;

    private static ContainerStack started;

    private final KafkaContainer kafka;
    private final PostgreSQLContainer postgres;
    private final String pgPassword;

    private ContainerStack(ContainerImages images, String pgPassword) {
        this.pgPassword = pgPassword;
        this.kafka = kafka(images);
        this.postgres = postgres(images, pgPassword);
    }

    /** This JVM's stack, started on the first call. */
    public static synchronized ContainerStack get() {
        if (started == null) {
            ContainerStack stack = new ContainerStack(ContainerImages.pinned(), randomPassword());
            Startables.deepStart(stack.kafka, stack.postgres).join();
            started = stack;
        }
        return started;
    }

    /** One broker with the local stack's settings: replication factors and ISR minimums of 1, no topic auto-creation. */
    static KafkaContainer kafka(ContainerImages images) {
        return new KafkaContainer(images.kafka()).withEnv(Map.of(
                "KAFKA_NUM_PARTITIONS", "6",
                "KAFKA_DEFAULT_REPLICATION_FACTOR", "1",
                "KAFKA_MIN_INSYNC_REPLICAS", "1",
                "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "6",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1",
                "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1",
                "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false",
                "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0",
                "KAFKA_HEAP_OPTS", "-Xms256m -Xmx512m"));
    }

    /** The server settings postgres.sh writes that the tests rely on; fsync off, as the data is thrown away. */
    static PostgreSQLContainer postgres(ContainerImages images, String password) {
        PostgreSQLContainer container = new PostgreSQLContainer(images.postgres())
                .withUsername(PG_USER)
                .withPassword(password)
                .withDatabaseName("postgres");
        container.withSharedMemorySize(512L * 1024 * 1024);
        container.withCommand("postgres",
                "-c", "shared_preload_libraries=timescaledb",
                "-c", "timescaledb.telemetry_level=off",
                "-c", "max_connections=200",
                "-c", "shared_buffers=128MB",
                "-c", "fsync=off");
        return container;
    }

    /** host:port, like the local stack's KYOYU_KAFKA_BOOTSTRAP. */
    public String kafkaBootstrap() {
        return kafka.getBootstrapServers();
    }

    /** The maintenance database, like the local stack's: tests create and drop their own databases through it. */
    public String adminPgUrl() {
        return "jdbc:postgresql://" + postgres.getHost() + ":" + postgres.getMappedPort(PG_PORT) + "/postgres";
    }

    public String pgUser() {
        return PG_USER;
    }

    public String pgPassword() {
        return pgPassword;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
