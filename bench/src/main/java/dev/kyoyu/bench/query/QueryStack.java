package dev.kyoyu.bench.query;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.ingest.IngestBench;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.testsupport.ChildProcess;
import dev.kyoyu.testsupport.TestTokens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupNotEmptyException;

/**
 * The pipeline as child processes on the bench's own topics and database, each as {@code ./kyoyu up} runs it (same
 * jar, same classpath, same -Xmx): all of ingest-api, sink-worker (also storing the decision stream's output when the
 * stream runs, as deploy/local/env.sh sets it), decision-stream, embedder and query-api, or the part of them a bench
 * measures. Stopped by pid on close; the decision stream's internal topics and the consumer groups go with them unless
 * kept.
 */
public final class QueryStack implements AutoCloseable {
    /** The bench reads every agent's decisions: ingest-api issues this agent admin tokens. */
    public static final String ADMIN = "bench-admin";
    /** Every service the stack can run, in the order it starts them. */
    public static final List<String> SERVICES = List.of("ingest-api", "sink-worker", "decision-stream", "embedder", "query-api");

    public record Topics(String events, String deadLetters, String decisions, String conflicts, String rejected) {
        /** The five topics, named {@code bench.<purpose>-events.<random>} and so on, each with {@code partitions}. */
        public static Topics create(BenchTopics topics, String purpose, int partitions) {
            return new Topics(topics.create(purpose + "-events", partitions), topics.create(purpose + "-dlq", partitions),
                    topics.create(purpose + "-decisions", partitions), topics.create(purpose + "-conflicts", partitions),
                    topics.create(purpose + "-rejected", partitions));
        }
    }

    /**
     * How the stack runs; start from {@link #defaults()}.
     *
     * @param services       which of {@link #SERVICES} run: a bench that measures part of the pipeline starts only that part
     * @param pgUrl          where the services reach PostgreSQL; empty: the bench database's own URL
     * @param keep           leave the decision stream's internal topics and state and the consumer groups behind on close
     * @param search         how query-api searches (KYOYU_SEARCH_EF_SEARCH, KYOYU_SEARCH_EXACT_MAX_ROWS)
     * @param embedderNice   the embedder's niceness, as {@code ./kyoyu} starts it (KYOYU_EMBEDDER_NICE)
     * @param serviceJvmArgs extra JVM flags for query-api and the embedder, after -Xmx (diagnosis)
     */
    public record Settings(List<String> services, Optional<String> pgUrl, boolean keep, SearchTuning search, int embedderNice,
                           List<String> serviceJvmArgs) {
        public Settings {
            services = List.copyOf(services);
            if (services.isEmpty() || !SERVICES.containsAll(services)) {
                throw new IllegalArgumentException("services " + services + " are not some of " + SERVICES);
            }
            serviceJvmArgs = List.copyOf(serviceJvmArgs);
        }

        /** Every service on the bench database, with the settings {@code ./kyoyu up} gives them. */
        public static Settings defaults() {
            return new Settings(SERVICES, Optional.empty(), false,
                    new SearchTuning(SearchTuning.DEFAULT_EF_SEARCH, SearchTuning.DEFAULT_EXACT_MAX_ROWS), 10, List.of());
        }

        public Settings withServices(List<String> only) {
            return new Settings(only, pgUrl, keep, search, embedderNice, serviceJvmArgs);
        }

        /** The services reach PostgreSQL at {@code url} instead, e.g. the same database through PgBouncer. */
        public Settings withPgUrl(String url) {
            return new Settings(services, Optional.of(url), keep, search, embedderNice, serviceJvmArgs);
        }

        public Settings withKeep(boolean keepAfterwards) {
            return new Settings(services, pgUrl, keepAfterwards, search, embedderNice, serviceJvmArgs);
        }

        boolean runs(String service) {
            return services.contains(service);
        }
    }

    /** One child to start: its environment, and the port that shows it is up. */
    private record Service(String name, String main, int niceness, List<String> jvm, Map<String, String> env, int port,
                           boolean hasHealth) {
        /** Until /health answers 200; the sink's says 503 until it owns partitions, so for it until the port answers. */
        void awaitUp(ChildProcess child, Duration timeout) {
            if (hasHealth) {
                child.awaitHealthy(port, timeout);
            } else {
                child.awaitListening(port, timeout);
            }
        }
    }

    private final BenchEnv env;
    private final Settings settings;
    private final TestTokens.Renewing agentTokens = new TestTokens.Renewing(TestTokens.PRIMARY, Role.AGENT);
    private final TestTokens.Renewing adminTokens = new TestTokens.Renewing(TestTokens.PRIMARY, Role.ADMIN);
    private final String streamApplicationId;
    private final String sinkGroup;
    private final Path streamState;
    private final Map<String, ChildProcess> children = new LinkedHashMap<>();
    public final int ingestPort = ChildProcess.freePort();
    public final int queryPort = ChildProcess.freePort();

    private QueryStack(BenchEnv env, Settings settings, String suffix, Path streamState) {
        this.env = env;
        this.settings = settings;
        this.streamApplicationId = "bench-query-stream-" + suffix;
        this.sinkGroup = "bench-query-sink-" + suffix;
        this.streamState = streamState;
    }

    /** Starts the chosen services, each after the one before it in {@link #SERVICES}, and waits until all are up. */
    public static QueryStack start(BenchEnv env, BenchDatabase db, Topics topics, Settings settings, Path logDir) throws Exception {
        String suffix = db.name() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        QueryStack stack = new QueryStack(env, settings, suffix, logDir.resolve("decision-stream-state"));
        try {
            List<Service> services = stack.services(db, topics).stream().filter(s -> settings.runs(s.name())).toList();
            for (Service service : services) {
                stack.launch(service, logDir);
            }
            Duration startup = Duration.ofSeconds(90);
            for (Service service : services) {
                service.awaitUp(stack.children.get(service.name()), startup);
            }
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** Every service as {@code ./kyoyu up} configures it, on the bench's topics and database. */
    private List<Service> services(BenchDatabase db, Topics topics) {
        Map<String, String> common = new LinkedHashMap<>();
        common.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
        common.put("KYOYU_EVENTS_TOPIC", topics.events());
        common.put("KYOYU_DECISIONS_TOPIC", topics.decisions());
        common.put("KYOYU_CONFLICTS_TOPIC", topics.conflicts());
        Map<String, String> pg = Map.of("KYOYU_PG_URL", settings.pgUrl().orElse(db.url()),
                "KYOYU_PG_USER", env.pgUser(), "KYOYU_PG_PASSWORD", env.pgPassword());

        Map<String, String> ingest = new LinkedHashMap<>(common);
        ingest.put("KYOYU_INGEST_PORT", Integer.toString(ingestPort));
        ingest.putAll(TestTokens.env());
        ingest.put("KYOYU_ID_SECRET", IngestBench.randomSecret());
        ingest.remove("KYOYU_DECISIONS_TOPIC");
        ingest.remove("KYOYU_CONFLICTS_TOPIC");

        int sinkPort = ChildProcess.freePort();
        Map<String, String> sink = new LinkedHashMap<>(common);
        sink.putAll(pg);
        sink.put("KYOYU_SINK_PORT", Integer.toString(sinkPort));
        sink.put("KYOYU_EVENTS_DLQ_TOPIC", topics.deadLetters());
        sink.put("KYOYU_SINK_GROUP", sinkGroup);
        sink.put("KYOYU_SINK_DECISIONS", Boolean.toString(storesDecisions()));

        int streamPort = ChildProcess.freePort();
        Map<String, String> stream = new LinkedHashMap<>(common);
        stream.put("KYOYU_STREAM_PORT", Integer.toString(streamPort));
        stream.put("KYOYU_STREAM_APPLICATION_ID", streamApplicationId);
        stream.put("KYOYU_STREAM_STATE_DIR", streamState.toString());
        stream.put("KYOYU_DECISIONS_REJECTED_TOPIC", topics.rejected());

        int embedderPort = ChildProcess.freePort();
        Map<String, String> embedder = new LinkedHashMap<>(pg);
        embedder.put("KYOYU_EMBEDDER_PORT", Integer.toString(embedderPort));

        Map<String, String> query = new LinkedHashMap<>(common);
        query.putAll(pg);
        query.remove("KYOYU_EVENTS_TOPIC");
        query.put("KYOYU_QUERY_PORT", Integer.toString(queryPort));
        query.put(TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY));
        query.put("KYOYU_SEARCH_EF_SEARCH", Integer.toString(settings.search().efSearch()));
        query.put("KYOYU_SEARCH_EXACT_MAX_ROWS", Long.toString(settings.search().exactMaxRows()));

        List<String> plain = List.of("-Xmx" + env.serviceHeap());
        List<String> diagnosed = new ArrayList<>(plain);
        diagnosed.addAll(settings.serviceJvmArgs());
        return List.of(
                new Service("ingest-api", "dev.kyoyu.ingest.IngestMain", 0, plain, ingest, ingestPort, true),
                new Service("sink-worker", "dev.kyoyu.sink.SinkMain", 0, plain, sink, sinkPort, false),
                new Service("decision-stream", "dev.kyoyu.stream.StreamMain", 0, plain, stream, streamPort, true),
                new Service("embedder", "dev.kyoyu.embedder.EmbedderMain", settings.embedderNice(), diagnosed, embedder, embedderPort, true),
                new Service("query-api", "dev.kyoyu.query.QueryMain", 0, diagnosed, query, queryPort, true));
    }

    /** The sink stores the decision stream's output only beside the stream: without it there is none to store. */
    private boolean storesDecisions() {
        return settings.runs("sink-worker") && settings.runs("decision-stream");
    }

    private void launch(Service service, Path logDir) throws IOException {
        children.put(service.name(), ChildProcess.java(service.main()).name(service.name()).niceness(service.niceness())
                .jvmArgs(service.jvm()).classpath(env.classpathOf(service.name())).env(service.env())
                .withoutInheritedSettings().log(logDir.resolve(service.name() + ".log")).start());
    }

    /** An agent's bearer token, renewed before it expires: a full-size run outlasts a token's hour. */
    public String token(String agentId) {
        return agentTokens.token(agentId);
    }

    /** A token of {@link #ADMIN}, who reads every agent's decisions. */
    public String adminToken() {
        return adminTokens.token(ADMIN);
    }

    public Map<String, ChildProcess> children() {
        return children;
    }

    /** Adds every child's CPU to a meter. */
    public CpuMeter meter(CpuMeter base) {
        CpuMeter cpu = base.copy();
        children.forEach((name, child) -> cpu.addProcess(name, child.pid()));
        return cpu;
    }

    /**
     * Deletes the consumer groups, each on its own: one that never formed (a child that failed early) must not keep
     * the others. Kafka Streams does not leave its group on close, so its group stays "not empty" until the broker
     * drops the member after its session timeout (45 s): retried for a minute.
     */
    private static void deleteGroups(Admin admin, List<String> groups) throws InterruptedException {
        List<String> left = new ArrayList<>(groups);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!left.isEmpty()) {
            Map<String, KafkaFuture<Void>> results = admin.deleteConsumerGroups(left).deletedGroups();
            left.clear();
            results.forEach((group, deleted) -> {
                try {
                    deleted.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof GroupNotEmptyException) {
                        left.add(group);
                    }
                } catch (Exception e) {
                    // not there, or the broker did not answer: nothing more to do for it
                }
            });
            if (!left.isEmpty() && System.nanoTime() > deadline) {
                System.err.println("consumer groups still not empty after a minute, left on the broker: " + left);
                return;
            }
            if (!left.isEmpty()) {
                Thread.sleep(Duration.ofSeconds(5));
            }
        }
    }

    /** The decision stream's RocksDB stores: hundreds of MB at full size, useless once its topics are gone. */
    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("could not delete " + dir + ": " + e.getMessage());
        }
    }

    /** Fails with the child's log tail when one of them has exited. */
    public void requireAlive() {
        for (ChildProcess child : children.values()) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited; log " + child.log() + ":\n" + child.logTail(30));
            }
        }
    }

    /** Peak RSS (VmHWM, KiB) of each child; -1 for one that is gone. */
    public Map<String, Long> peakRss() {
        Map<String, Long> peaks = new LinkedHashMap<>();
        children.forEach((name, child) -> peaks.put(name, ProcStats.peakRssKib(child.pid())));
        return peaks;
    }

    /** The front door first, so nothing new arrives while the rest drain and stop. */
    @Override
    public void close() {
        for (String name : List.of("ingest-api", "decision-stream", "sink-worker", "embedder", "query-api")) {
            ChildProcess child = children.get(name);
            if (child != null) {
                child.close();
            }
        }
        if (settings.keep()) {
            return;
        }
        List<String> groups = new ArrayList<>();
        if (settings.runs("sink-worker")) {
            groups.add(sinkGroup);
        }
        if (storesDecisions()) {
            groups.add(sinkGroup + ".decisions");
        }
        if (settings.runs("decision-stream")) {
            groups.add(streamApplicationId);
            deleteTree(streamState);
        }
        if (groups.isEmpty()) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap()))) {
            if (settings.runs("decision-stream")) {
                List<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                        .filter(t -> t.startsWith(streamApplicationId + "-")).toList();
                if (!internal.isEmpty()) {
                    admin.deleteTopics(internal).all().get(60, TimeUnit.SECONDS);
                }
            }
            deleteGroups(admin, groups);
        } catch (Exception e) {
            System.err.println("could not delete the decision stream's topics and the bench's consumer groups: " + e.getMessage());
        }
    }
}
