package dev.kyoyu.bench.query;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.ingest.IngestBench;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupNotEmptyException;

/**
 * The whole pipeline as child processes on the bench's own topics and database, each as {@code ./kyoyu up} runs
 * it (same jar, same classpath, same -Xmx): ingest-api, sink-worker (also storing the decision stream's output,
 * as deploy/local/env.sh sets it), decision-stream, embedder and query-api. Stopped by pid on close; the decision
 * stream's internal topics and the consumer groups go with them unless kept.
 */
public final class QueryStack implements AutoCloseable {
    /** The bench reads every agent's decisions: ingest-api issues this agent admin tokens. */
    public static final String ADMIN = "bench-admin";

    public record Topics(String events, String deadLetters, String decisions, String conflicts, String rejected) {
    }

    private final BenchEnv env;
    private final boolean keep;
    private final TestTokens.Renewing agentTokens = new TestTokens.Renewing(TestTokens.PRIMARY, Role.AGENT);
    private final TestTokens.Renewing adminTokens = new TestTokens.Renewing(TestTokens.PRIMARY, Role.ADMIN);
    private final String streamApplicationId;
    private final String sinkGroup;
    private final Path streamState;
    private final Map<String, ChildProcess> children = new LinkedHashMap<>();
    public final int ingestPort;
    public final int queryPort;

    private QueryStack(BenchEnv env, boolean keep, String streamApplicationId, String sinkGroup,
                       Path streamState, int ingestPort, int queryPort) {
        this.env = env;
        this.keep = keep;
        this.streamApplicationId = streamApplicationId;
        this.sinkGroup = sinkGroup;
        this.streamState = streamState;
        this.ingestPort = ingestPort;
        this.queryPort = queryPort;
    }

    static QueryStack start(BenchEnv env, BenchDatabase db, Topics topics, QueryOptions options, Path logDir) throws Exception {
        return start(env, db, topics, options.keep(), options.efSearch(), options.exactMaxRows(), options.embedderNice(),
                options.serviceJvmArgs(), logDir);
    }

    /** The stack with the given search settings, embedder niceness and extra JVM flags (for query-api and the embedder). */
    public static QueryStack start(BenchEnv env, BenchDatabase db, Topics topics, boolean keep, int efSearch, int exactMaxRows,
                                   int embedderNice, List<String> serviceJvmArgs, Path logDir) throws Exception {
        String suffix = db.name() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        QueryStack stack = new QueryStack(env, keep, "bench-query-stream-" + suffix,
                "bench-query-sink-" + suffix, logDir.resolve("decision-stream-state"), ChildProcess.freePort(), ChildProcess.freePort());
        try {
            Map<String, String> common = new LinkedHashMap<>();
            common.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
            common.put("KYOYU_EVENTS_TOPIC", topics.events());
            common.put("KYOYU_DECISIONS_TOPIC", topics.decisions());
            common.put("KYOYU_CONFLICTS_TOPIC", topics.conflicts());
            Map<String, String> pg = Map.of("KYOYU_PG_URL", db.url(), "KYOYU_PG_USER", env.pgUser(), "KYOYU_PG_PASSWORD", env.pgPassword());

            Map<String, String> ingest = new LinkedHashMap<>(common);
            ingest.put("KYOYU_INGEST_PORT", Integer.toString(stack.ingestPort));
            ingest.putAll(TestTokens.env());
            ingest.put("KYOYU_ID_SECRET", IngestBench.randomSecret());
            ingest.remove("KYOYU_DECISIONS_TOPIC");
            ingest.remove("KYOYU_CONFLICTS_TOPIC");

            int sinkPort = ChildProcess.freePort();
            Map<String, String> sink = new LinkedHashMap<>(common);
            sink.putAll(pg);
            sink.put("KYOYU_SINK_PORT", Integer.toString(sinkPort));
            sink.put("KYOYU_EVENTS_DLQ_TOPIC", topics.deadLetters());
            sink.put("KYOYU_SINK_GROUP", stack.sinkGroup);
            sink.put("KYOYU_SINK_DECISIONS", "true");

            int streamPort = ChildProcess.freePort();
            Map<String, String> stream = new LinkedHashMap<>(common);
            stream.put("KYOYU_STREAM_PORT", Integer.toString(streamPort));
            stream.put("KYOYU_STREAM_APPLICATION_ID", stack.streamApplicationId);
            stream.put("KYOYU_STREAM_STATE_DIR", stack.streamState.toString());
            stream.put("KYOYU_DECISIONS_REJECTED_TOPIC", topics.rejected());

            int embedderPort = ChildProcess.freePort();
            Map<String, String> embedder = new LinkedHashMap<>(pg);
            embedder.put("KYOYU_EMBEDDER_PORT", Integer.toString(embedderPort));

            Map<String, String> query = new LinkedHashMap<>(common);
            query.putAll(pg);
            query.remove("KYOYU_EVENTS_TOPIC");
            query.put("KYOYU_QUERY_PORT", Integer.toString(stack.queryPort));
            query.put(TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY));
            query.put("KYOYU_SEARCH_EF_SEARCH", Integer.toString(efSearch));
            query.put("KYOYU_SEARCH_EXACT_MAX_ROWS", Integer.toString(exactMaxRows));

            List<String> plain = List.of("-Xmx" + env.serviceHeap());
            List<String> diagnosed = new ArrayList<>(plain);
            diagnosed.addAll(serviceJvmArgs);
            stack.launch("ingest-api", "dev.kyoyu.ingest.IngestMain", 0, plain, ingest, logDir);
            stack.launch("sink-worker", "dev.kyoyu.sink.SinkMain", 0, plain, sink, logDir);
            stack.launch("decision-stream", "dev.kyoyu.stream.StreamMain", 0, plain, stream, logDir);
            stack.launch("embedder", "dev.kyoyu.embedder.EmbedderMain", embedderNice, diagnosed, embedder, logDir);
            stack.launch("query-api", "dev.kyoyu.query.QueryMain", 0, diagnosed, query, logDir);

            Duration startup = Duration.ofSeconds(90);
            stack.children.get("ingest-api").awaitHealthy(stack.ingestPort, startup);
            stack.children.get("sink-worker").awaitListening(sinkPort, startup);
            stack.children.get("decision-stream").awaitHealthy(streamPort, startup);
            stack.children.get("embedder").awaitHealthy(embedderPort, startup);
            stack.children.get("query-api").awaitHealthy(stack.queryPort, startup);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    private void launch(String name, String main, int niceness, List<String> jvm, Map<String, String> childEnv, Path logDir)
            throws IOException {
        children.put(name, ChildProcess.java(main).name(name).niceness(niceness).jvmArgs(jvm).classpath(env.classpathOf(name))
                .env(childEnv).withoutInheritedSettings().log(logDir.resolve(name + ".log")).start());
    }

    /** An agent's bearer token, renewed before it expires: a full-size run outlasts a token's hour. */
    public String token(String agentId) {
        return agentTokens.token(agentId);
    }

    /** A token of {@link #ADMIN}, who reads every agent's decisions. */
    public String adminToken() {
        return adminTokens.token(ADMIN);
    }

    ChildProcess child(String name) {
        return children.get(name);
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
        if (keep) {
            return;
        }
        deleteTree(streamState);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap()))) {
            List<String> internal = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(streamApplicationId + "-")).toList();
            if (!internal.isEmpty()) {
                admin.deleteTopics(internal).all().get(60, TimeUnit.SECONDS);
            }
            deleteGroups(admin, List.of(streamApplicationId, sinkGroup, sinkGroup + ".decisions"));
        } catch (Exception e) {
            System.err.println("could not delete the decision stream's topics and the bench's consumer groups: " + e.getMessage());
        }
    }
}
