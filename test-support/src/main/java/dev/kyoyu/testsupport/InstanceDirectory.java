package dev.kyoyu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory of an isolated {@link LocalStack} instance ({@code .kyoyu/instances/<name>}): which test JVM
 * owns it, what to keep of it (the logs) and how it goes away.
 */
final class InstanceDirectory {
    private static final String OWNER_FILE = "owner.pid";
    private static final Logger LOG = LoggerFactory.getLogger(InstanceDirectory.class);

    private InstanceDirectory() {
    }

    /** Marks the instance as this JVM's, so that a later run can tell it was abandoned if this JVM dies. */
    static void claim(Path home) {
        ProcessHandle self = ProcessHandle.current();
        try {
            Files.createDirectories(home);
            Files.writeString(home.resolve(OWNER_FILE), self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("?") + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home, e);
        }
    }

    /** Instances whose owning test JVM is gone (killed before it could close them); those without an owner belong to a person. */
    static List<Path> abandoned(Path instances) {
        List<Path> result = new ArrayList<>();
        if (!Files.isDirectory(instances)) {
            return result;
        }
        try (Stream<Path> dirs = Files.list(instances)) {
            for (Path dir : dirs.toList()) {
                Path owner = dir.resolve(OWNER_FILE);
                if (Files.exists(owner) && !ownerAlive(Files.readString(owner).strip())) {
                    result.add(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + instances, e);
        }
        return result;
    }

    private static boolean ownerAlive(String owner) {
        String[] parts = owner.split(" ");
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(parts[0]));
        return process.isPresent() && process.get().info().startInstant().map(Instant::toString).orElse("?").equals(parts[1]);
    }

    /** Copies the instance's logs to {@code target/stack-logs/<name>/}, the evidence of a failed drill. */
    static void keepLogs(Path home, String name) {
        Path logs = home.resolve("logs");
        if (!Files.isDirectory(logs)) {
            return;
        }
        Path kept = Path.of("target", "stack-logs", name);
        try (Stream<Path> files = Files.list(logs)) {
            Files.createDirectories(kept);
            for (Path file : files.toList()) {
                if (Files.isRegularFile(file)) { // follows the link to PostgreSQL's log inside the root
                    Files.copy(file, kept.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            LOG.info("[kyoyu {}] logs kept in {}", name, kept.toAbsolutePath());
        } catch (IOException e) {
            LOG.warn("[kyoyu {}] could not keep the logs: {}", name, e.toString());
        }
    }

    static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
