package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.infra.TestInfrastructure;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A whole Kyoyu stack of the test's own: its own Kafka, PostgreSQL cluster and service processes,
 * started, stopped and crashed by the real {@code ./kyoyu} as an isolated instance
 * ({@code .kyoyu/instances/<name>-<random>}, its own loopback ports). Fault drills break this one,
 * never a developer's {@code ./kyoyu up} or the stack other tests share. {@link #close()} stops it
 * and deletes all of its state. On the containers test stack the test that asks for one is skipped.
 *
 * <p>The launcher runs the jars Maven just built ({@code KYOYU_SKIP_BUILD=1}): a test never rebuilds
 * the tree under the Maven run that started it.
 */
public final class LocalStack implements AutoCloseable {
    /** Sink workers an instance may run at once; their health ports are reserved together. */
    public static final int MAX_SINK_WORKERS = 4;
    /** The consumer group every sink worker of an instance joins (the launcher does not change it). */
    public static final String SINK_GROUP = "kyoyu-sink";
    public static final String EVENTS_TOPIC = "kyoyu.events.v1";
    /**
     * Kafka brokers an instance may run ({@code ./kyoyu up --brokers 3}): broker N listens on the Kafka port + 2(N-1)
     * and its controller on the next port, so the six are reserved together and the controller port is the Kafka port + 1.
     */
    public static final int MAX_KAFKA_BROKERS = 3;

    /** A first run on a fresh machine downloads PostgreSQL and Kafka (about a minute). */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern API_KEY = Pattern.compile("kyoyu_[0-9a-f]{16}_[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path repo;
    private final Path home;
    private final String name;
    private final Map<String, String> env;
    private final int kafkaPort;
    private final int pgPort;
    private final int ingestPort;
    private final int queryPort;
    private final int sinkBasePort;
    private final int pgbouncerPort;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    private LocalStack(Path repo, String name, Map<String, String> settings) {
        this.repo = repo;
        this.name = name;
        this.home = repo.resolve(".kyoyu/instances").resolve(name);
        Set<Integer> taken = new HashSet<>();
        this.kafkaPort = LoopbackPorts.free(taken, 2 * MAX_KAFKA_BROKERS);
        int controllerPort = kafkaPort + 1;
        this.pgPort = LoopbackPorts.free(taken, 1);
        this.ingestPort = LoopbackPorts.free(taken, 1);
        this.queryPort = LoopbackPorts.free(taken, 1);
        this.sinkBasePort = LoopbackPorts.free(taken, MAX_SINK_WORKERS);

        Map<String, String> e = new LinkedHashMap<>();
        e.put("KYOYU_HOME", home.toString());
        e.put("KYOYU_KAFKA_PORT", Integer.toString(kafkaPort));
        e.put("KYOYU_KAFKA_CONTROLLER_PORT", Integer.toString(controllerPort));
        e.put("KYOYU_PG_PORT", Integer.toString(pgPort));
        e.put("KYOYU_INGEST_PORT", Integer.toString(ingestPort));
        e.put("KYOYU_QUERY_PORT", Integer.toString(queryPort));
        e.put("KYOYU_SINK_PORT", Integer.toString(sinkBasePort));
        e.put("KYOYU_STREAM_PORT", Integer.toString(LoopbackPorts.free(taken, 1)));
        e.put("KYOYU_EMBEDDER_PORT", Integer.toString(LoopbackPorts.free(taken, 1)));
        e.put("KYOYU_PG_REPLICA_PORT", Integer.toString(LoopbackPorts.free(taken, 1)));
        this.pgbouncerPort = LoopbackPorts.free(taken, 1);
        e.put("KYOYU_PGBOUNCER_PORT", Integer.toString(pgbouncerPort));
        // Generated here rather than by the launcher, so the test can mint tokens without reading files.
        e.putAll(TestTokens.env());
        e.put("KYOYU_ID_SECRET", randomSecret());
        // The instance's database role gets this password (postgres.sh sets it); TCP logins need it.
        e.put("KYOYU_PG_PASSWORD", randomSecret());
        // A drill's cluster sits beside a developer's; it needs far less than the default 512MB.
        e.put("KYOYU_PG_SHARED_BUFFERS", "128MB");
        e.put("KYOYU_SKIP_BUILD", "1");
        e.putAll(settings);
        this.env = Map.copyOf(e);
    }

    /** A new isolated instance named {@code <name>-<random>}; nothing runs until {@link #up}. */
    public static LocalStack isolated(String name) {
        return isolated(name, Map.of());
    }

    /**
     * @param settings extra environment for every process of the instance, e.g.
     *                 {@code KYOYU_INGEST_ACK_TIMEOUT=3s}
     */
    public static LocalStack isolated(String name, Map<String, String> settings) {
        TestInfrastructure.assumeLocal("An isolated instance (" + name + ")");
        Path repo = Path.of(TestStack.stackDir()).toAbsolutePath().normalize();
        sweepAbandonedInstances(repo);
        String suffix = HexFormat.of().formatHex(randomBytes(3));
        LocalStack stack = new LocalStack(repo, name + "-" + suffix, settings);
        InstanceDirectory.claim(stack.home);
        return stack;
    }

    // --- driving ./kyoyu -----------------------------------------------------------------------

    /** {@code ./kyoyu up}: Kafka, PostgreSQL, migrations and every service (behind PgBouncer when {@link TestStack#pooler()}). */
    public LocalStack up() {
        return up(new String[0]);
    }

    /**
     * {@code ./kyoyu up SERVICE…}: Kafka, PostgreSQL, migrations and only these services. In a run behind the pooler
     * ({@code ./kyoyu test --pooler}) with {@code --pooler}, which the instance then remembers for every later start.
     */
    public LocalStack up(String... services) {
        Stream<String> pooler = TestStack.pooler() ? Stream.of("--pooler") : Stream.empty();
        runWithin(START_TIMEOUT, Stream.of(Stream.of("up"), pooler, Stream.of(services)).flatMap(s -> s).toArray(String[]::new));
        return this;
    }

    public void start(String component) {
        runWithin(START_TIMEOUT, "start", component);
    }

    /** SIGTERM (PostgreSQL: fast shutdown); returns once it is gone. */
    public void stop(String component) {
        run("stop", component);
    }

    /** SIGKILL (PostgreSQL: immediate shutdown); returns once it is gone. */
    public void kill(String component) {
        run("kill", component);
    }

    /** The component's pid; fails when it is not running. */
    public long pid(String component) {
        String out = run("pid", component).strip();
        return Long.parseLong(out.substring(out.lastIndexOf('\n') + 1).strip());
    }

    /**
     * How a service process last ended (its exit status; 128+N for signal N), as recorded by the
     * launcher's wrapper, or empty while it runs or before it ever ran.
     */
    public OptionalInt exitStatus(String component) {
        Path file = home.resolve("run").resolve(component + ".exit");
        try {
            return Files.exists(file) ? OptionalInt.of(Integer.parseInt(Files.readString(file).strip())) : OptionalInt.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code ./kyoyu ARGS} with this instance's environment; fails with its output unless it exits 0. */
    public String run(String... kyoyuArgs) {
        return runWithin(COMMAND_TIMEOUT, kyoyuArgs);
    }

    private String runWithin(Duration timeout, String... kyoyuArgs) {
        return LauncherRun.run(repo, name, env, timeout, kyoyuArgs);
    }

    // --- where things are ----------------------------------------------------------------------

    /** The instance's KYOYU_* settings, secrets included. */
    public Map<String, String> env() {
        return env;
    }

    public String name() {
        return name;
    }

    public Path home() {
        return home;
    }

    public Path log(String component) {
        return home.resolve("logs").resolve(component + ".log");
    }

    /** Every broker of the instance: one, or three once it was started with {@code up --brokers 3}. */
    public String kafkaBootstrap() {
        StringBuilder bootstrap = new StringBuilder("127.0.0.1:" + kafkaPort);
        for (int n = 2; n <= kafkaBrokers(); n++) {
            bootstrap.append(",127.0.0.1:").append(kafkaPort + 2 * (n - 1));
        }
        return bootstrap.toString();
    }

    /** How many brokers the instance runs, as the launcher recorded it. */
    public int kafkaBrokers() {
        Path file = home.resolve("kafka.brokers");
        try {
            return Files.exists(file) ? Integer.parseInt(Files.readString(file).strip()) : 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String pgUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pgPort + "/kyoyu";
    }

    /** Where the instance's PgBouncer listens once it runs ({@code up --pooler}). */
    public int pgbouncerPort() {
        return pgbouncerPort;
    }

    public int queryPort() {
        return queryPort;
    }

    /** Whether the component runs ({@code ./kyoyu pid} exits 3 when it does not). */
    public boolean isRunning(String component) {
        try {
            run("pid", component);
            return true;
        } catch (AssertionError notRunning) {
            return false;
        }
    }

    public int ingestPort() {
        return ingestPort;
    }

    /** Health/metrics port of sink worker {@code n} (1 is {@code sink-worker}, n is {@code sink-worker-n}). */
    public int sinkPort(int n) {
        if (n < 1 || n > MAX_SINK_WORKERS) {
            throw new IllegalArgumentException("sink worker " + n + " is outside 1.." + MAX_SINK_WORKERS);
        }
        return sinkBasePort + n - 1;
    }

    /** A working API key of the agent, as {@code ./kyoyu api-key} prints it (the agent is created, or its key rotated). */
    public String apiKey(String agentId) {
        Matcher key = API_KEY.matcher(run("api-key", agentId));
        if (!key.find()) {
            throw new AssertionError("./kyoyu api-key " + agentId + " printed no key");
        }
        return key.group();
    }

    /** A bearer token of the agent (role agent), which the instance's services accept: they trust {@link TestTokens}. */
    public String token(String agentId) {
        return TestTokens.token(agentId, Role.AGENT);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(pgUrl(), "kyoyu", env.get("KYOYU_PG_PASSWORD"));
    }

    /** Runs a query that returns one number, e.g. a count. */
    public long queryLong(String sql) {
        try (Connection connection = connect(); var statement = connection.createStatement(); var rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    /** GET {@code /health} on a local port: the status code, and the body (empty when unreachable). */
    public HealthProbe health(int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return new HealthProbe(response.statusCode(), response.body());
        } catch (IOException e) {
            return new HealthProbe(-1, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public record HealthProbe(int status, String body) {
    }

    /**
     * The sum of every series of a Prometheus metric on a local port's {@code /metrics}, e.g.
     * {@code kyoyu_events_stored_total}; 0 when the metric is absent.
     */
    public double metric(int port, String metricName) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.lines()
                    .filter(line -> line.startsWith(metricName + " ") || line.startsWith(metricName + "{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape /metrics on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // --- lifetime ------------------------------------------------------------------------------

    /**
     * {@code ./kyoyu destroy}: stops every process of the instance and deletes all of its state. The
     * logs are kept first, in {@code target/stack-logs/<instance>/}, as the evidence of a failed drill.
     */
    @Override
    public void close() {
        try {
            InstanceDirectory.keepLogs(home, name);
            if (Files.exists(home)) {
                run("destroy");
            }
        } finally {
            InstanceDirectory.delete(home);
            http.close();
        }
    }

    /** Destroys instances whose owning test JVM is gone, so their processes and clusters do not pile up. */
    private static void sweepAbandonedInstances(Path repo) {
        for (Path dir : InstanceDirectory.abandoned(repo.resolve(".kyoyu/instances"))) {
            LoggerFactory.getLogger(LocalStack.class).info("[kyoyu] destroying abandoned instance {}", dir.getFileName());
            new LocalStack(repo, dir.getFileName().toString(), Map.of()).close();
        }
    }

    // --- secrets -------------------------------------------------------------------------------

    private static String randomSecret() {
        return HexFormat.of().formatHex(randomBytes(32));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
