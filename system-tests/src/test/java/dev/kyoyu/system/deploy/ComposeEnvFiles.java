package dev.kyoyu.system.deploy;

import dev.kyoyu.testsupport.CommandOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The env files the compose tests resolve docker-compose.yml with: the committed .env.example (placeholders), and
 * one made by deploy/compose/new-env.sh, the documented way to make a real .env (so its values are checked too).
 */
final class ComposeEnvFiles {
    static final Path EXAMPLE = Checkout.path(".env.example");

    private ComposeEnvFiles() {
    }

    /** A fresh env file from deploy/compose/new-env.sh, in a temporary directory. */
    static Path generated() {
        try {
            Path file = Files.createTempDirectory("compose-env").resolve(".env");
            CommandOutput.of(new ProcessBuilder(Checkout.path("deploy/compose/new-env.sh").toString(), file.toString())
                    .redirectErrorStream(true), Duration.ofMinutes(1));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** NAME=value lines (comments and blank lines skipped), in file order. */
    static Map<String, String> read(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String text = line.strip();
                int eq = text.indexOf('=');
                if (!text.isEmpty() && !text.startsWith("#") && eq > 0) {
                    values.put(text.substring(0, eq), text.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    /** A copy of {@code file} without the line that sets {@code name}. */
    static Path without(Path file, String name) {
        try {
            Path copy = Files.createTempDirectory("compose-env").resolve(".env");
            Files.write(copy, Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.startsWith(name + "=")).toList(), StandardCharsets.UTF_8);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
