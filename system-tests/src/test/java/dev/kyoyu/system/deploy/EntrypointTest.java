package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' entrypoint (deploy/docker/kyoyu-java), run by /bin/sh as the image runs it. The java it starts is a
 * stand-in that prints its arguments: what is checked is which command the script builds, not the JVM.
 */
class EntrypointTest {
    private static final String MAIN = "dev.kyoyu.ingest.IngestMain";

    @TempDir
    Path bin;

    @BeforeEach
    void putAJavaThatPrintsItsArgumentsOnThePath() throws IOException {
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The Dockerfile's targets set KYOYU_SERVICE_MAIN and no CMD (DockerfileTest): this is what they run. */
    @Test
    void withoutArgumentsItRunsTheImagesServiceOnItsJarAndLibraries() throws Exception {
        Run run = entrypoint(List.of(), Map.of("KYOYU_SERVICE_MAIN", MAIN));
        assertEquals(0, run.exit(), run.output());
        List<String> java = run.output().lines().toList();
        assertEquals(List.of("-cp", "/opt/kyoyu/app/service.jar:/opt/kyoyu/app/lib/*", MAIN), java.subList(java.size() - 3, java.size()));
        assertTrue(java.contains("-XX:MaxRAMPercentage=60"), "the heap follows the memory limit: " + java);
    }

    /** Compose's migrate and admin tools name another main of the image's module, with its arguments. */
    @Test
    void aMainClassArgumentRunsThatMainWithTheRest() throws Exception {
        Run run = entrypoint(List.of("dev.kyoyu.ingest.admin.cli.AgentsCli", "create", "bob"), Map.of("KYOYU_SERVICE_MAIN", MAIN));
        assertEquals(0, run.exit(), run.output());
        List<String> java = run.output().lines().toList();
        assertEquals(List.of("dev.kyoyu.ingest.admin.cli.AgentsCli", "create", "bob"), java.subList(java.size() - 3, java.size()));
    }

    @Test
    void javaOptsReplaceTheHeapFlags() throws Exception {
        Run run = entrypoint(List.of(), Map.of("KYOYU_SERVICE_MAIN", MAIN, "JAVA_OPTS", "-Xmx256m -XX:TieredStopAtLevel=1"));
        assertEquals(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", "/opt/kyoyu/app/service.jar:/opt/kyoyu/app/lib/*", MAIN),
                run.output().lines().toList());
    }

    @Test
    void withNeitherAMainClassNorTheImagesItFailsNamingTheSetting() throws Exception {
        Run run = entrypoint(List.of(), Map.of());
        assertNotEquals(0, run.exit());
        assertTrue(run.output().contains("KYOYU_SERVICE_MAIN"), run.output());
    }

    private record Run(int exit, String output) {
    }

    private Run entrypoint(List<String> arguments, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of("/bin/sh", Checkout.path("deploy/docker/kyoyu-java").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().put("PATH", bin + ":/usr/bin:/bin");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the entrypoint did not finish within 30 s");
        }
        return new Run(process.exitValue(), output);
    }
}
