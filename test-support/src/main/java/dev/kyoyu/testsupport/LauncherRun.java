package dev.kyoyu.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the shell launcher {@code ./kyoyu ARGS} for a {@link LocalStack} instance: with the instance's
 * environment only, its output collected (and logged, to the test JVM's log file), within a timeout.
 */
final class LauncherRun {
    /** Settings the launcher reads that are not the instance's own: kept from the test's environment. */
    private static final Set<String> INHERITED = Set.of("KYOYU_CACHE", "KYOYU_DEBIAN_MIRROR");
    private static final Logger LOG = LoggerFactory.getLogger(LauncherRun.class);

    private LauncherRun() {
    }

    /**
     * Its output; fails with the output unless the launcher exits 0 in time.
     *
     * @param instance the instance's name, to tell its lines apart in the log
     */
    static String run(Path repo, String instance, Map<String, String> env, Duration timeout, String... kyoyuArgs) {
        List<String> command = new ArrayList<>();
        command.add(repo.resolve("kyoyu").toString());
        command.addAll(List.of(kyoyuArgs));
        String shown = String.join(" ", command.subList(1, command.size()));
        ProcessBuilder builder = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true);
        Map<String, String> childEnv = builder.environment();
        // The test may itself run under ./kyoyu test, whose KYOYU_* point at the shared stack.
        childEnv.keySet().removeIf(key -> key.startsWith("KYOYU_") && !INHERITED.contains(key));
        childEnv.putAll(env);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ./kyoyu " + shown, e);
        }
        StringBuilder output = new StringBuilder();
        Thread pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    LOG.info("[kyoyu {}] {}", instance, line);
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // the process is gone; what was read is all there is
            }
        });
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("./kyoyu " + shown + " did not finish within " + timeout + "; output:\n" + output);
            }
            pump.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted while running ./kyoyu " + shown, e);
        }
        String text;
        synchronized (output) {
            text = output.toString();
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("./kyoyu " + shown + " exited with " + process.exitValue() + "; output:\n" + text);
        }
        return text;
    }
}
