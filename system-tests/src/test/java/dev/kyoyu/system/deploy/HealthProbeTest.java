package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The images' HEALTHCHECK probe (deploy/docker/HealthProbe.java), compiled and run here as the image runs it:
 * exit 0 only when /health on the port the setting names answers 200.
 */
class HealthProbeTest {
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;
    private Path classes;

    @BeforeEach
    void compileTheProbeAndStartAHealthEndpoint() throws IOException {
        classes = Files.createTempDirectory("health-probe");
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", classes.toString(),
                Checkout.path("deploy/docker/HealthProbe.java").toString());
        assertEquals(0, compiled, "deploy/docker/HealthProbe.java does not compile");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aHealthyServiceExitsZero() throws Exception {
        assertEquals(0, probe(String.valueOf(port()), "1"));
    }

    @Test
    void aServiceAnsweringAnythingBut200IsUnhealthy() throws Exception {
        status.set(503);
        assertEquals(1, probe(String.valueOf(port()), "1"));
    }

    @Test
    void withoutThePortSettingTheDefaultPortIsProbed() throws Exception {
        assertEquals(0, probe(null, String.valueOf(port())));
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        int port = port();
        server.stop(0);
        assertEquals(1, probe(String.valueOf(port), "1"));
    }

    private int port() {
        return server.getAddress().getPort();
    }

    /** Runs the probe as the HEALTHCHECK does, with PROBE_PORT set to {@code portSetting} (unset when null). */
    private int probe(String portSetting, String defaultPort) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx32m", "-cp", classes.toString(), "HealthProbe", "PROBE_PORT", defaultPort))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove("PROBE_PORT");
        if (portSetting != null) {
            builder.environment().put("PROBE_PORT", portSetting);
        }
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish within 30 s");
        }
        return process.exitValue();
    }
}
