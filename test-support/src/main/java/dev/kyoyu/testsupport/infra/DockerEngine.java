package dev.kyoyu.testsupport.infra;

import org.testcontainers.DockerClientFactory;

/** The real Docker probe: Testcontainers' own, so "an engine answers" means "Testcontainers can use it". */
public final class DockerEngine {
    private DockerEngine() {
    }

    /** Whether Testcontainers reaches a Docker engine (DOCKER_HOST, ~/.testcontainers.properties, the usual sockets). */
    public static boolean answers() {
        return DockerClientFactory.instance().isDockerAvailable();
    }
}
