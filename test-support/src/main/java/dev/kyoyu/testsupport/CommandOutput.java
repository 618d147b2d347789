package dev.kyoyu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A short command a test runs to its end for what it prints: a project script's path, a generated file, a report. */
public final class CommandOutput {
    private CommandOutput() {
    }

    /**
     * Starts {@code builder}, reads its standard output to the end and returns it; fails with that output unless the
     * command exits 0 within {@code timeout} of closing it.
     */
    public static String of(ProcessBuilder builder, Duration timeout) {
        String command = String.join(" ", builder.command());
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish within " + timeout.toSeconds() + " s:\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(command + " failed (exit " + process.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + command, e);
        }
    }
}
