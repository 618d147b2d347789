package dev.kyoyu.bench.query;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.schemas.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Issue 5 item 6: p50/p95/p99 of structured, temporal and vector queries over HTTP on a dataset of millions of
 * events and a hundred thousand decisions, idle and while ingesting at a steady rate, each against the same SQL
 * straight over JDBC in the same run; recall@10 of the HNSW search against exact search; peak RSS of query-api
 * and the embedder.
 */
public final class QueryBench {
    /** Seed offset of the recall texts, so they are not the texts the latency phases searched for. */
    private static final long RECALL_SEED = 1_000_003;

    private final BenchEnv env;
    private final QueryOptions options;
    private final QueryResults results;
    private final Path work;
    /** What an interrupted run still has to close (set while open). */
    private volatile QueryStack stackOpen;
    private volatile BenchDatabase databaseOpen;
    private volatile BenchTopics topicsOpen;

    private QueryBench(BenchEnv env, QueryOptions options, Path work) {
        this.env = env;
        this.options = options;
        this.work = work;
        this.results = new QueryResults(options, env, work);
    }

    public static String usage() {
        return QueryOptions.USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        QueryOptions options = QueryOptions.parse(args, env.repo());
        QueryStack.SERVICES.forEach(env::requireBuilt);
        Path work = Files.createTempDirectory("kyoyu-bench-query-");
        System.err.println("logs and scratch files: " + work);
        return new QueryBench(env, options, work).run();
    }

    private int run() throws Exception {
        // Ctrl-C: the children stop by their own hook; this one drops what the run created, unless kept.
        Thread cleanup = new Thread(this::cleanUpOnExit, "bench-query-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return measureAll();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    private void cleanUpOnExit() {
        AutoCloseable[] open = {stackOpen, databaseOpen, topicsOpen};
        for (AutoCloseable resource : open) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    System.err.println("cleaning up after an interrupted run: " + e.getMessage());
                }
            }
        }
    }

    private int measureAll() throws Exception {
        results.idleMachineBusy = CpuMeter.machineBusy(Duration.ofSeconds(3));
        if (results.idleMachineBusy > 0.25) {
            System.err.printf("warning: the machine is already %.2f cores busy with other work; results will be slower and noisier%n",
                    results.idleMachineBusy);
        }
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), options.keep());
             BenchDatabase db = options.building() ? BenchDatabase.create(env, "query", options.keep())
                     : BenchDatabase.existing(env, options.reuse())) {
            topicsOpen = topics;
            databaseOpen = db;
            results.database = db.name();
            results.pgVersion = BenchDatabase.serverVersion(env);
            int partitions = stackPartitions(topics);
            QueryStack.Topics names = QueryStack.Topics.create(topics, "query", partitions);
            System.err.println("starting ingest-api, sink-worker, decision-stream, embedder and query-api on database " + db.name() + "…");
            try (QueryStack stack = QueryStack.start(env, db, names, options.stackSettings(), work)) {
                stackOpen = stack;
                CpuMeter cpu = stack.meter(baseMeter(env));
                Backlog backlog = new Backlog(db, topics, names.events());
                if (options.building()) {
                    results.build = new DatasetBuilder(options, stack, Instant.now()).build(backlog, () -> vacuum(db), cpu);
                } else {
                    long decisions = db.queryLong("SELECT count(*) FROM decisions");
                    results.reuseEmbedded = backlog.awaitEmbedded(decisions, stack);
                    // The last run's ingest phase (or a VACUUM FULL) leaves pages not all-visible: index-only counts
                    // would visit the heap until autovacuum came by.
                    results.reuseVacuumSeconds = vacuum(db);
                }
                results.stats = DatasetStats.read(db);
                results.buildPeakRss = stack.peakRss();
                measure(db, stack, backlog, cpu);
                results.peakRss = stack.peakRss();
                results.topics = new ArrayList<>(topics.names());
            } finally {
                stackOpen = null;
            }
        } finally {
            databaseOpen = null;
            topicsOpen = null;
        }
        results.write();
        return 0;
    }

    private void measure(BenchDatabase db, QueryStack stack, Backlog backlog, CpuMeter cpu) throws Exception {
        QueryMix mix = new QueryMix(DatasetShape.read(db), options.seed());
        List<String> searchTexts = IntStream.range(0, options.queries()).mapToObj(i -> DecisionCorpus.query(options.seed(), i)).toList();
        List<String> recallTexts = IntStream.range(0, options.recallQueries())
                .mapToObj(i -> DecisionCorpus.query(options.seed() + RECALL_SEED, i)).toList();
        List<String> all = new ArrayList<>(searchTexts);
        all.addAll(recallTexts);
        QueryVectors.Embedded embedded = QueryVectors.embed(all);
        results.queryEmbedNanos = embedded.nanosPerText();
        List<float[]> searchVectors = embedded.vectors().subList(0, searchTexts.size());
        List<float[]> recallVectors = embedded.vectors().subList(searchTexts.size(), all.size());

        ApiClient api = new ApiClient(stack.queryPort);
        List<List<QuerySpec>> sets = List.of(mix.structured(options.queries()), mix.temporal(options.queries()),
                mix.vector(options.queries(), searchTexts::get));
        results.specs = sets;
        SearchTuning tuning = options.searchTuning();

        int warmup = Math.min(200, Math.max(20, options.queries() / 5));
        for (List<QuerySpec> specs : sets) {
            QueryRunner runner = new QueryRunner(specs, searchVectors, stack.queryPort, stack.adminToken(), db, tuning);
            IntFunction<String> shapeOf = i -> specs.get(i).shape();
            QueryLoad.run("warm-up", specs.getFirst().type(), "query-api", warmup, options.clients(), runner::http, shapeOf, cpu);
            QueryLoad.run("warm-up", specs.getFirst().type(), "direct JDBC", warmup, options.clients(), runner::direct, shapeOf, cpu);
        }
        for (String phase : options.phases()) {
            IngestLoad load = null;
            if (phase.equals(QueryOptions.INGESTING)) {
                load = new IngestLoad(options, stack, backlog);
                load.start();
                // Let the services settle into the load before the first query counts: a steady 5,000 events/s, not
                // the first seconds, when the JIT compiles the ingest path of JVMs that sat idle while reusing a dataset.
                Thread.sleep(Duration.ofSeconds(30));
            }
            try {
                for (List<QuerySpec> specs : sets) {
                    QueryRunner runner = new QueryRunner(specs, searchVectors, stack.queryPort, stack.adminToken(), db, tuning);
                    QuerySpec.Type type = specs.getFirst().type();
                    IntFunction<String> shapeOf = i -> specs.get(i).shape();
                    results.loads.add(QueryLoad.run(phase, type, "query-api", specs.size(), options.clients(), runner::http, shapeOf, cpu));
                    results.loads.add(QueryLoad.run(phase, type, "direct JDBC", specs.size(), options.clients(), runner::direct, shapeOf, cpu));
                    stack.requireAlive();
                }
                if (load != null) {
                    System.err.println("stopping the ingest load and waiting for the sink to catch up…");
                    results.ingest = load.stop();
                }
            } finally {
                if (load != null) {
                    load.halt();
                }
            }
        }
        if (options.recallQueries() > 0) {
            // The decisions posted while ingesting get their vectors first: recall is measured on a settled index.
            backlog.awaitEmbedded(db.queryLong("SELECT count(*) FROM decisions"), stack);
            List<String> types = new ArrayList<>(DatasetShape.read(db).outcomesByType().keySet());
            List<String> typeFilters = IntStream.range(0, recallTexts.size()).mapToObj(i -> types.get(i % types.size())).toList();
            results.recall = RecallProbe.measure(db, api, stack.adminToken(), recallTexts, recallVectors, typeFilters, options.efSearch());
        }
    }

    /** PostgreSQL (the postmaster and its backends), the broker, and this JVM (load clients, direct SQL). */
    public static CpuMeter baseMeter(BenchEnv env) {
        CpuMeter cpu = new CpuMeter();
        long postmaster = BenchDatabase.postmasterPid(env);
        if (postmaster > 0) {
            cpu.add("postgresql", () -> ProcStats.treeCpuTicks(postmaster));
        }
        env.kafkaBrokerPid().ifPresent(pid -> cpu.addProcess("kafka broker", pid));
        return cpu.addSelf("bench (this JVM)");
    }

    /** What autovacuum would do after a bulk load (the embedder's updates leave a dead tuple per decision), measured. */
    private static double vacuum(BenchDatabase db) {
        long t0 = System.nanoTime();
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("VACUUM (ANALYZE) decisions, alternatives, evidence, conflicts");
        } catch (SQLException e) {
            throw new IllegalStateException("VACUUM ANALYZE failed on " + db.name(), e);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    private static int stackPartitions(BenchTopics topics) {
        try {
            return topics.partitions(Topics.EVENTS);
        } catch (IllegalStateException e) {
            return 6;
        }
    }
}
