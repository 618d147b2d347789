package dev.kyoyu.bench.e2e;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.ingest.ProducerBaseline;
import dev.kyoyu.bench.query.Backlog;
import dev.kyoyu.bench.query.QueryBench;
import dev.kyoyu.bench.query.QueryStack;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.sink.RawCopy;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.schemas.Topics;
import dev.kyoyu.sink.copy.EventCopyWriter;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import org.postgresql.PGConnection;

/**
 * Issue 15: the whole pipeline as {@code ./kyoyu up} runs it, on the bench's own topics and database, driven over
 * HTTP by many agents through a scenario (smoke, load, stress, spike, soak); per second the delivered rate, the
 * sink's lag, the accepted-to-queryable p95 and each service's RSS; per phase the cores each component used; at the
 * end events sent, acknowledged and stored (lost and duplicated). Baselines in the same run: Kafka's
 * ProducerPerformance at the mean event size, and a raw COPY of the stored rows.
 */
public final class E2eBench {
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);
    /** Enough rows for a steady COPY rate (seconds of work) without doubling a long run's time. */
    private static final long RAW_COPY_ROWS = 1_000_000;

    private final BenchEnv env;
    private final E2eOptions options;
    private final E2eResults results;
    private final Path work;

    private E2eBench(BenchEnv env, E2eOptions options, Path work) {
        this.env = env;
        this.options = options;
        this.work = work;
        this.results = new E2eResults(options);
    }

    public static String usage() {
        return E2eOptions.USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        return measure(env, args).exitCode();
    }

    /** Runs the scenario and writes the report; the results for a caller that checks them (the smoke IT). */
    public static E2eResults measure(BenchEnv env, List<String> args) throws Exception {
        E2eOptions options = E2eOptions.parse(args, env.repo());
        QueryStack.SERVICES.forEach(env::requireBuilt);
        Path work = Files.createTempDirectory("kyoyu-bench-e2e-");
        System.err.println("logs and scratch files: " + work);
        E2eBench bench = new E2eBench(env, options, work);
        bench.measureAll();
        return bench.results;
    }

    private void measureAll() throws Exception {
        results.idleMachineBusy = CpuMeter.machineBusy(Duration.ofSeconds(3));
        results.pgVersion = BenchDatabase.serverVersion(env);
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), options.keep());
             BenchDatabase db = BenchDatabase.create(env, "e2e", options.keep())) {
            int partitions = stackPartitions(topics);
            results.partitions = partitions;
            QueryStack.Topics names = QueryStack.Topics.create(topics, "e2e", partitions);
            System.err.println("starting ingest-api, sink-worker, decision-stream, embedder and query-api on database " + db.name() + "…");
            try (QueryStack stack = QueryStack.start(env, db, names, QueryStack.Settings.defaults().withKeep(options.keep()), work);
                 Visibility visibility = new Visibility(stack.queryPort, stack::adminToken)) {
                Backlog backlog = new Backlog(db, topics, names.events());
                CpuMeter cpu = stack.meter(QueryBench.baseMeter(env));
                visibility.subscribe();
                E2eDriver driver = new E2eDriver(options, stack, visibility);
                driver.prepare();
                results.meanEventBytes = driver.meanEventBytes();
                driver.start();
                try {
                    new ScenarioRunner(options, stack, driver, visibility, backlog, cpu, results).run();
                } finally {
                    driver.stop();
                }
                finish(stack, driver, visibility, backlog, db);
            }
            if (options.baseline()) {
                baseline(topics, partitions, cpu());
                rawCopy(db);
            }
        }
        results.write();
    }

    /** Waits for the pipeline to catch up, then counts what was sent, acknowledged and stored. */
    private void finish(QueryStack stack, E2eDriver driver, Visibility visibility, Backlog backlog, BenchDatabase db)
            throws InterruptedException {
        long drainStart = System.nanoTime();
        long lagAtStop = backlog.eventLag();
        try (ProgressBar bar = Progress.bar("draining the sink's lag", Math.max(1, lagAtStop), "ev")) {
            long deadline = drainStart + DRAIN_LIMIT.toNanos();
            for (long lag = lagAtStop; lag > 0; lag = backlog.eventLag()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the sink did not catch up within " + DRAIN_LIMIT + " after the load stopped");
                }
                stack.requireAlive();
                bar.stepTo(Math.max(0, lagAtStop - lag));
                Thread.sleep(100);
            }
            bar.stepTo(Math.max(1, lagAtStop));
        }
        results.finalDrainSeconds = (System.nanoTime() - drainStart) / 1e9;
        results.lagAtStop = lagAtStop;
        visibility.awaitWatched(Duration.ofSeconds(60));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (visibility.decisionsUnseen() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        long[] stored = storedCounts(db);
        results.counts = new E2eResults.Counts(driver.sent.get(), driver.acknowledged.get(), stored[0], stored[1],
                driver.errors(), backlog.storedEvents());
        results.eventLatency = new Percentiles(visibility.events().stream().mapToLong(Visibility.Sample::latencyNanos).toArray());
        results.decisionLatency = new Percentiles(visibility.decisions().stream().mapToLong(Visibility.Sample::latencyNanos).toArray());
        results.eventTimeouts = visibility.eventTimeouts.get();
        results.probesSkipped = visibility.skipped.get();
        results.decisionsUnseen = visibility.decisionsUnseen();
        results.peakRss = stack.peakRss();
        results.firstErrorAnswers = driver.firstAnswers();
    }

    private static long[] storedCounts(BenchDatabase db) {
        try (var c = db.connect(); var s = c.createStatement(); var rows = s.executeQuery("SELECT count(*), count(DISTINCT id) FROM agent_events")) {
            rows.next();
            return new long[] {rows.getLong(1), rows.getLong(2)};
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot count the stored events", e);
        }
    }

    /** Kafka's own producer at the mean event size the driver posted, on a topic of the same partition count. */
    private void baseline(BenchTopics topics, int partitions, CpuMeter cpu) throws Exception {
        String topic = topics.create("e2e-baseline", partitions);
        int size = (int) Math.round(results.meanEventBytes);
        results.baseline = ProducerBaseline.run(env, "ProducerPerformance", "acks=all, enable.idempotence=true, linger.ms=5, "
                        + "batch.size=262144, compression.type=lz4 (the ingest-api producer's settings); random records of " + size
                        + " bytes (the mean event the driver posted), no key", topic, 1_000_000,
                List.of("--record-size", Integer.toString(size)),
                List.of("acks=all", "enable.idempotence=true", "linger.ms=5", "batch.size=262144", "compression.type=lz4"),
                cpu, work.resolve("producer-performance.log"));
    }

    /**
     * PostgreSQL's own limit for the rows the run stored: up to {@link #RAW_COPY_ROWS} of them exported as the binary
     * COPY the sink writes and COPYed back in one session into a fresh database of the same schema.
     */
    private void rawCopy(BenchDatabase stored) throws Exception {
        Path file = work.resolve("stored-rows.copy");
        String columns = EventCopyWriter.COLUMNS.replaceAll("[()]", "");
        try (Connection c = stored.connect();
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + columns + " FROM agent_events LIMIT "
                    + RAW_COPY_ROWS + ") TO STDOUT (FORMAT binary)", out);
        }
        try (BenchDatabase fresh = BenchDatabase.create(env, "e2e_copy", options.keep())) {
            BenchDatabase.checkpoint(env);
            results.rawCopy = RawCopy.copyBinary(fresh, file, cpu());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private CpuMeter cpu() {
        return QueryBench.baseMeter(env);
    }

    private static int stackPartitions(BenchTopics topics) {
        try {
            return topics.partitions(Topics.EVENTS);
        } catch (IllegalStateException e) {
            return 6;
        }
    }

    /** Peak RSS of a process so far, MiB; NaN once gone. */
    static double rssMib(long pid) {
        long kib = ProcStats.rssKib(pid);
        return kib < 0 ? Double.NaN : kib / 1024.0;
    }

    static Map<String, Double> rssNow(QueryStack stack) {
        Map<String, Double> rss = new LinkedHashMap<>();
        stack.children().forEach((name, child) -> rss.put(name, rssMib(child.pid())));
        return rss;
    }
}
