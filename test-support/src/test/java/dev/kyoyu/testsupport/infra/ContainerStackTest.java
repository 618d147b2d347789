package dev.kyoyu.testsupport.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.testcontainers.utility.DockerImageName;

/**
 * How the containers test stack is defined, checked without an engine: nothing here starts a container (this
 * machine has no Docker engine; the containers are started only where one answers).
 */
class ContainerStackTest {
    private final ContainerImages images = ContainerImages.pinned();

    @Test
    void theImagesAreTheOnesDeployPins() throws IOException {
        Properties pinned = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("../deploy/images.properties"))) {
            pinned.load(in);
        }
        assertEquals(pinned.getProperty("kafka"), images.kafka().asCanonicalNameString());
        assertEquals(pinned.getProperty("postgres"), images.postgres().asCanonicalNameString());
    }

    @Test
    void thePostgresImageIsAcceptedAsPostgresql() {
        assertTrue(images.postgres().isCompatibleWith(DockerImageName.parse("postgres")));
        // The constructor refuses an image it does not know as PostgreSQL.
        var container = ContainerStack.postgres(images, "secret");
        assertEquals("kyoyu", container.getUsername());
        assertEquals("postgres", container.getDatabaseName());
    }

    @Test
    void postgresqlLoadsTimescaleDbAsTheLocalStackDoes() {
        String command = String.join(" ", ContainerStack.postgres(images, "secret").getCommandParts());
        assertTrue(command.contains("shared_preload_libraries=timescaledb"), command);
        assertTrue(command.contains("max_connections=200"), command);
    }

    @Test
    void kafkaHasTheLocalStacksBrokerSettings() {
        var env = ContainerStack.kafka(images).getEnvMap();
        assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"));
        assertEquals("6", env.get("KAFKA_NUM_PARTITIONS"));
        // Testcontainers' own default is 1; ours must win.
        assertEquals("6", env.get("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS"));
        assertEquals("0", env.get("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"));
    }
}
