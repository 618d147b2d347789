package dev.kyoyu.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the stack is (the same KYOYU_* variables the services read) and where this checkout is.
 * The benchmark only borrows the broker and the database server: it works on topics and databases
 * of its own, so a running {@code ./kyoyu up} is not disturbed.
 *
 * @param pgUrl       JDBC URL of an existing database, used only to create and drop the bench's own
 * @param repo        the checkout whose service jars the benchmark starts
 * @param serviceHeap the -Xmx that {@code ./kyoyu} gives every service (its SERVICE_HEAP)
 */
public record BenchEnv(String kafkaBootstrap, String pgUrl, String pgUser, String pgPassword,
                       Path repo, Path stateDir, String serviceHeap) {

    private static final Pattern SERVICE_HEAP = Pattern.compile("(?m)^SERVICE_HEAP=(\\S+)\\s*$");

    public static BenchEnv fromEnv(Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        String kafka = env.get("KYOYU_KAFKA_BOOTSTRAP");
        String pgUrl = env.get("KYOYU_PG_URL");
        if (kafka == null || kafka.isBlank()) {
            problems.add("KYOYU_KAFKA_BOOTSTRAP is not set (source deploy/local/env.sh, or run through ./kyoyu bench)");
        }
        if (pgUrl == null || pgUrl.isBlank()) {
            problems.add("KYOYU_PG_URL is not set (source deploy/local/env.sh, or run through ./kyoyu bench)");
        }
        Path repo = Optional.ofNullable(env.get("KYOYU_REPO")).map(Path::of).orElseGet(BenchEnv::repoOfThisJar);
        if (!Files.isRegularFile(repo.resolve("pom.xml"))) {
            problems.add("cannot find the Kyoyu checkout (looked at " + repo + "); set KYOYU_REPO");
        }
        String heap = serviceHeapOf(repo.resolve("kyoyu"));
        if (heap == null) {
            problems.add("cannot read SERVICE_HEAP from " + repo.resolve("kyoyu") + ", the heap every service runs with");
        }
        if (!problems.isEmpty()) {
            throw new Options.UsageException(problems);
        }
        Path state = Optional.ofNullable(env.get("KYOYU_HOME")).map(Path::of).orElse(repo.resolve(".kyoyu"));
        return new BenchEnv(kafka.trim(), pgUrl.trim(), env.getOrDefault("KYOYU_PG_USER", "kyoyu"),
                env.getOrDefault("KYOYU_PG_PASSWORD", ""), repo.toAbsolutePath().normalize(), state, heap);
    }

    /** The jar of a runnable module plus its runtime libraries: exactly the classpath ./kyoyu runs. */
    public String classpathOf(String module) {
        Path dir = repo.resolve(module).resolve("target");
        return dir.resolve(module + ".jar") + ":" + dir.resolve("lib") + "/*";
    }

    public void requireBuilt(String module) {
        Path jar = repo.resolve(module).resolve("target").resolve(module + ".jar");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(jar.resolveSibling("lib"))) {
            throw new Options.UsageException(List.of(jar + " (and target/lib) is missing; build first: "
                    + "./mvnw -q -B -DskipTests package -pl bench -am"));
        }
    }

    /** The broker's pid from the stack's pid file, if it is the broker that runs; empty otherwise. */
    public Optional<Long> kafkaBrokerPid() {
        try {
            long pid = Long.parseLong(Files.readString(stateDir.resolve("run").resolve("kafka.pid")).trim());
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"));
            return cmdline.contains("kafka.Kafka") ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String serviceHeapOf(Path launcher) {
        try {
            Matcher m = SERVICE_HEAP.matcher(Files.readString(launcher));
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** bench/target/bench.jar -> the checkout root; falls back to the working directory. */
    private static Path repoOfThisJar() {
        try {
            Path jar = Path.of(BenchEnv.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path candidate = jar.getParent() == null ? null : jar.getParent().getParent();
            if (candidate != null && candidate.getParent() != null && Files.isRegularFile(candidate.getParent().resolve("pom.xml"))) {
                return candidate.getParent();
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
