package dev.kyoyu.testsupport.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.testcontainers.utility.DockerImageName;

/**
 * The images of the containers test stack: deploy/images.properties (copied into this jar by the build), the
 * same pinned images docker-compose.yml and the Kubernetes manifests run.
 */
public record ContainerImages(DockerImageName kafka, DockerImageName postgres) {
    static final String RESOURCE = "images.properties";

    public static ContainerImages pinned() {
        Properties images = new Properties();
        try (InputStream in = ContainerImages.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from test-support's jar (the build copies deploy/"
                        + RESOURCE + ")");
            }
            images.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ContainerImages(
                DockerImageName.parse(required(images, "kafka")),
                // timescaledb-ha is PostgreSQL with TimescaleDB and pgvector; Testcontainers checks the image's name.
                DockerImageName.parse(required(images, "postgres")).asCompatibleSubstituteFor("postgres"));
    }

    private static String required(Properties images, String key) {
        String image = images.getProperty(key);
        if (image == null || image.isBlank()) {
            throw new IllegalStateException("deploy/" + RESOURCE + " names no image for '" + key + "'");
        }
        return image.strip();
    }
}
