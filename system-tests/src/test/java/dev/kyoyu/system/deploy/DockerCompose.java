package dev.kyoyu.system.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.kyoyu.testsupport.CommandOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's docker-compose (1.29), which resolves and validates a compose file without a Docker engine: the path
 * ./kyoyu test hands over in KYOYU_TEST_DOCKER_COMPOSE, or the one deploy/local/docker-compose.sh installs.
 */
final class DockerCompose {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final long TIMEOUT_SECONDS = 120;
    private static final String COMMAND = locate();

    /** What {@code docker-compose config} printed: the resolved file (stdout) or why it refused it (stderr). */
    record Result(int exitCode, String stdout, String stderr) {
        @SuppressWarnings("unchecked")
        Map<String, Object> resolved() {
            if (exitCode != 0) {
                throw new AssertionError("docker-compose config refused docker-compose.yml (exit " + exitCode + "):\n" + stderr);
            }
            try {
                return YAML.readValue(stdout, Map.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private DockerCompose() {
    }

    /** docker-compose --env-file ENV -f docker-compose.yml config, with nothing from this JVM's environment. */
    static Result config(Path envFile) {
        return run(List.of(COMMAND, "--env-file", envFile.toString(), "-f", Checkout.path("docker-compose.yml").toString(), "config"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String yaml) {
        try {
            return YAML.readValue(yaml, Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Interpolation prefers the process's environment over the env file, and ./kyoyu test exports the local stack's
     * KYOYU_* secrets: the command gets an empty environment, so the env file alone supplies the values.
     */
    private static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("compose", ".out");
            Path err = Files.createTempFile("compose", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(Checkout.ROOT.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
            env.put("HOME", System.getProperty("java.io.tmpdir"));
            env.put("LANG", "C.UTF-8");
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            Result result = new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static String locate() {
        String given = System.getenv("KYOYU_TEST_DOCKER_COMPOSE");
        if (given != null && !given.isBlank()) {
            return given;
        }
        // Outside ./kyoyu test: the script installs it into the cache on first use and prints its path.
        String stdout = CommandOutput.of(new ProcessBuilder(Checkout.path("deploy/local/docker-compose.sh").toString(), "path")
                .redirectError(ProcessBuilder.Redirect.INHERIT), Duration.ofMinutes(10)).strip();
        return stdout.lines().reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("deploy/local/docker-compose.sh path printed nothing"));
    }
}
