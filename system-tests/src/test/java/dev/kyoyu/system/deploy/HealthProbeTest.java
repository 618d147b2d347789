package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' HEALTHCHECK probe (deploy/docker/HealthProbe.java), compiled and run here as the image runs it:
 * exit 0 only when /health on the port the setting names answers 200. The setting comes from the arguments (compose's
 * health checks) or, without them, from the image's environment (the Dockerfile's).
 */
class HealthProbeTest {
    @TempDir
    static Path classes;
    private final AtomicInteger status = new AtomicInteger(200);
    private HttpServer server;

    @BeforeAll
    static void compileTheProbe() {
        int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "21", "-d", classes.toString(),
                Checkout.path("deploy/docker/HealthProbe.java").toString());
        assertEquals(0, compiled, "deploy/docker/HealthProbe.java does not compile");
    }

    @BeforeEach
    void startAHealthEndpoint() throws IOException {
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
        assertEquals(0, withArguments(String.valueOf(port()), "1"));
    }

    @Test
    void aServiceAnsweringAnythingBut200IsUnhealthy() throws Exception {
        status.set(503);
        assertEquals(1, withArguments(String.valueOf(port()), "1"));
    }

    @Test
    void withoutThePortSettingTheDefaultPortIsProbed() throws Exception {
        assertEquals(0, withArguments(null, String.valueOf(port())));
    }

    @Test
    void nothingListeningIsUnhealthy() throws Exception {
        int port = port();
        server.stop(0);
        assertEquals(1, withArguments(String.valueOf(port), "1"));
    }

    /** Without arguments, as the Dockerfile's HEALTHCHECK runs it: the image's environment names the setting. */
    @Test
    void withoutArgumentsTheImagesEnvironmentNamesThePortSetting() throws Exception {
        Map<String, String> image = Map.of("KYOYU_HEALTH_PORT_SETTING", "PROBE_PORT", "KYOYU_HEALTH_PORT_DEFAULT", "1");
        assertEquals(0, run(probe(), with(image, "PROBE_PORT", String.valueOf(port()))));
    }

    @Test
    void withoutArgumentsOrThePortSettingTheImagesDefaultIsProbed() throws Exception {
        assertEquals(0, run(probe(), Map.of("KYOYU_HEALTH_PORT_SETTING", "PROBE_PORT", "KYOYU_HEALTH_PORT_DEFAULT", String.valueOf(port()))));
    }

    @Test
    void withNeitherArgumentsNorTheImagesEnvironmentItIsAUsageError() throws Exception {
        assertEquals(2, run(probe(), Map.of()));
        assertEquals(2, run(probe(), Map.of("KYOYU_HEALTH_PORT_SETTING", "PROBE_PORT")));
    }

    /**
     * Each service target's HEALTHCHECK, run as the Dockerfile writes it with that image's environment (this JVM and
     * the probe compiled here in the image's place), asks the port the service's setting gives.
     */
    @Test
    void eachTargetsHealthCheckProbesThePortItsSettingGives() throws Exception {
        DockerfileModel dockerfile = DockerfileModel.read();
        for (String module : ServiceConfigs.BY_MODULE.keySet()) {
            List<String> command = asRunHere(dockerfile.healthCommand(module));
            Map<String, String> image = dockerfile.environment(module);
            String setting = image.get("KYOYU_HEALTH_PORT_SETTING");
            assertNotNull(setting, module + " sets no KYOYU_HEALTH_PORT_SETTING");
            assertFalse(command.isEmpty(), module + " has no HEALTHCHECK in exec form");
            assertEquals(0, run(command, with(image, setting, String.valueOf(port()))), module);
        }
    }

    private int port() {
        return server.getAddress().getPort();
    }

    /** The probe given the setting PROBE_PORT and {@code defaultPort}, as compose's health checks run it. */
    private int withArguments(String portSetting, String defaultPort) throws Exception {
        List<String> command = new ArrayList<>(probe());
        command.addAll(List.of("PROBE_PORT", defaultPort));
        return run(command, portSetting == null ? Map.of() : Map.of("PROBE_PORT", portSetting));
    }

    private List<String> probe() {
        return List.of(java(), "-Xmx32m", "-cp", classes.toString(), "HealthProbe");
    }

    /** A command of the image with this JVM and the probe compiled here in place of the image's. */
    private List<String> asRunHere(List<String> command) {
        return command.stream().map(word -> switch (word) {
            case "java" -> java();
            case "/opt/kyoyu/health" -> classes.toString();
            default -> word;
        }).toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return more;
    }

    /** Runs {@code command} with {@code env} as the only KYOYU_* settings and PROBE_PORT; returns its exit code. */
    private static int run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        // This JVM may run with a stack's env file (KYOYU_INGEST_PORT, …): those must not answer for the case's own.
        builder.environment().keySet().removeIf(name -> name.startsWith("KYOYU_") || name.equals("PROBE_PORT"));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the probe did not finish within 30 s");
        }
        return process.exitValue();
    }
}
