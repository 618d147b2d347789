package dev.kyoyu.bench.pooler;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.Options;
import dev.kyoyu.bench.query.QueryStack;
import dev.kyoyu.bench.report.Machine;
import dev.kyoyu.bench.report.Report;
import dev.kyoyu.bench.report.Table;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.testsupport.KafkaProbe;
import dev.kyoyu.testsupport.LoadGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Issue 14: end-to-end events/s, from the ingest API's HTTP request to the row in PostgreSQL, with the sink writing to
 * the database directly and through PgBouncer (transaction mode), in the same run. Rounds alternate between the two
 * (direct, pooler, direct, pooler, …) so a change in the machine's other load falls on both alike. Each round has its
 * own topic, database and ingest-api + sink-worker processes; a closed-loop load (clients posting batches back to
 * back) runs for the round's duration, and the round ends when every acknowledged event is stored.
 */
public final class PoolerBench {
    static final String USAGE = """
            pooler: events/s from ingest HTTP to stored rows, the sink direct vs through PgBouncer, in one run
              ./kyoyu bench pooler [--seconds=20] [--rounds=2] [--clients=4] [--batch=50] [--partitions=3]
              --seconds=S            how long each round's load runs (default 20)
              --rounds=N             rounds per mode, alternating direct and pooler (default 2)
              --clients=C            HTTP clients posting back to back (default 4)
              --batch=B              events per request (default 50)
              --partitions=P         partitions of each round's topic (default 3)
              --out=DIR              where the .md goes (default docs/benchmarks of the checkout)
              PgBouncer must run on KYOYU_PGBOUNCER_PORT (./kyoyu bench pooler starts it)""";
    private static final String STORED = "SELECT count(*) FROM agent_events WHERE event_type = '" + LoadGenerator.EVENT_TYPE + "'";
    private static final Duration DRAIN = Duration.ofMinutes(3);
    /** What a round measures: the stream, embedder and query-api would only take cores from it. */
    private static final List<String> PIPELINE = List.of("ingest-api", "sink-worker");

    enum Mode { DIRECT, POOLER }

    record Round(Mode mode, long acknowledged, long failedRequests, double loadSeconds, double drainSeconds, long stored) {
        double ackedPerSecond() {
            return acknowledged / loadSeconds;
        }

        /** Acknowledged events over the time from the first request until the last of them was stored. */
        double storedPerSecond() {
            return stored / (loadSeconds + drainSeconds);
        }
    }

    private PoolerBench() {
    }

    public static String usage() {
        return USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        Options o = new Options(args);
        Duration seconds = o.seconds("seconds", Duration.ofSeconds(20));
        int rounds = o.integer("rounds", 2, 1, 20);
        int clients = o.integer("clients", 4, 1, 64);
        int batch = o.integer("batch", 50, 1, 1000);
        int partitions = o.integer("partitions", 3, 1, 64);
        Path out = Path.of(o.string("out", env.repo().resolve("docs").resolve("benchmarks").toString()));
        String bouncerPort = System.getenv("KYOYU_PGBOUNCER_PORT");
        if (bouncerPort == null || !bouncerPort.matches("\\d{1,5}")) {
            o.problem("KYOYU_PGBOUNCER_PORT is not set (run through ./kyoyu bench pooler, which starts PgBouncer)");
        }
        o.finish();
        PIPELINE.forEach(env::requireBuilt);
        Path work = Files.createTempDirectory("kyoyu-bench-pooler-");
        System.err.println("logs: " + work);
        double busyBefore = CpuMeter.machineBusy(Duration.ofSeconds(3));

        List<Round> results = new ArrayList<>();
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), false)) {
            for (int i = 0; i < rounds * 2; i++) {
                Mode mode = i % 2 == 0 ? Mode.DIRECT : Mode.POOLER;
                Round round = round(env, topics, mode, "r" + (i + 1) + "-" + mode.name().toLowerCase(), bouncerPort,
                        seconds, clients, batch, partitions, work);
                System.err.printf("round %d, %s: %,d events acknowledged, %,.0f stored/s end to end%n", i + 1,
                        mode.name().toLowerCase(), round.acknowledged(), round.storedPerSecond());
                results.add(round);
            }
        }
        String report = write(out, results, busyBefore, seconds, clients, batch, partitions);
        System.out.println(report);
        boolean complete = results.stream().allMatch(r -> r.stored() == r.acknowledged());
        return complete ? 0 : 1;
    }

    private static Round round(BenchEnv env, BenchTopics topics, Mode mode, String name, String bouncerPort, Duration seconds,
                               int clients, int batch, int partitions, Path work) throws Exception {
        QueryStack.Topics names = QueryStack.Topics.create(topics, "pooler", partitions);
        try (BenchDatabase db = BenchDatabase.create(env, "pooler", false)) {
            QueryStack.Settings pipeline = QueryStack.Settings.defaults().withServices(PIPELINE);
            QueryStack.Settings settings = mode == Mode.DIRECT ? pipeline
                    : pipeline.withPgUrl(db.url().replaceFirst("//[^/]+/", "//127.0.0.1:" + bouncerPort + "/"));
            try (QueryStack stack = QueryStack.start(env, db, names, settings, work.resolve(name))) {
                LoadGenerator load = LoadGenerator.builder(stack.ingestPort, stack::token)
                        .agents(KafkaProbe.agentsCovering("bench-pooler-" + name, partitions, 2))
                        .clients(clients).batchSize(batch).pause(Duration.ZERO)
                        .requestTimeout(Duration.ofSeconds(30)).maxDuration(seconds)
                        .start();
                long started = System.nanoTime();
                while (!load.finished()) {
                    Thread.sleep(100);
                }
                LoadGenerator.Report report = load.stop();
                long loadEnd = System.nanoTime();
                long acknowledged = report.acknowledged().size();
                long failed = report.statusCounts().entrySet().stream().filter(e -> e.getKey() != 202)
                        .mapToLong(Map.Entry::getValue).sum();
                long deadline = loadEnd + DRAIN.toNanos();
                long stored = db.queryLong(STORED);
                while (stored < acknowledged && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                    stored = db.queryLong(STORED);
                }
                long drained = System.nanoTime();
                return new Round(mode, acknowledged, failed, (loadEnd - started) / 1e9, (drained - loadEnd) / 1e9, stored);
            }
        }
    }

    /** What the rounds say about where the pace was set. */
    private static String reading(List<Round> rounds) {
        double slowestDrain = rounds.stream().mapToDouble(Round::drainSeconds).max().orElse(0);
        if (slowestDrain < 2) {
            return String.format("The sink kept up with ingest in every round (the last acknowledged event was stored at most "
                    + "%.1f s after the load ended): the end-to-end rate is the pace of ingest and Kafka on this machine, and "
                    + "what PgBouncer costs the sink stays hidden below it.", slowestDrain);
        }
        return String.format("The sink fell behind ingest (up to %.1f s of backlog to drain after the load): the end-to-end "
                + "rate includes the sink's pace, with and without PgBouncer.", slowestDrain);
    }

    private static String write(Path out, List<Round> rounds, double busyBefore, Duration seconds, int clients, int batch,
                                int partitions) throws java.io.IOException {
        Report report = new Report(out, "pooler");
        Table table = new Table("round", "sink connects", "acknowledged", "failed requests", "load s", "drain s", "stored",
                "acked/s", "stored/s end to end");
        for (int i = 0; i < rounds.size(); i++) {
            Round r = rounds.get(i);
            table.row(i + 1, r.mode() == Mode.DIRECT ? "directly" : "through PgBouncer", String.format("%,d", r.acknowledged()),
                    r.failedRequests(), String.format("%.1f", r.loadSeconds()), String.format("%.1f", r.drainSeconds()),
                    String.format("%,d", r.stored()),
                    Table.number(r.ackedPerSecond()), Table.number(r.storedPerSecond()));
        }
        Table summary = new Table("sink connects", "rounds", "stored/s end to end (mean)", "acked/s (mean)");
        for (Mode mode : Mode.values()) {
            List<Round> of = rounds.stream().filter(r -> r.mode() == mode).toList();
            summary.row(mode == Mode.DIRECT ? "directly" : "through PgBouncer", of.size(),
                    Table.number(of.stream().mapToDouble(Round::storedPerSecond).average().orElse(0)),
                    Table.number(of.stream().mapToDouble(Round::ackedPerSecond).average().orElse(0)));
        }
        report.heading("End to end: ingest HTTP to stored rows, direct vs through PgBouncer")
                .paragraph("Run " + Report.now() + ". Command: `" + String.join(" ", Stream.concat(Stream.of("./kyoyu", "bench", "pooler"),
                        Machine.arguments().stream()).toList()) + "`")
                .paragraph(String.format("Each round: its own topic (%d partitions), database and ingest-api + sink-worker processes; "
                        + "%d HTTP clients post batches of %d events back to back for %d s, then the round waits until every "
                        + "acknowledged event is in agent_events. \"stored/s end to end\" is the acknowledged events over the time "
                        + "from the first request to the last row stored. Rounds alternate between the sink connecting to "
                        + "PostgreSQL directly and through PgBouncer (transaction mode, max_prepared_statements 200, "
                        + "deploy/local/pgbouncer.sh); ingest-api never touches PostgreSQL.", partitions, clients, batch, seconds.toSeconds()))
                .table(summary)
                .table(table)
                .paragraph(reading(rounds))
                .paragraph(String.format("The machine was %.2f cores busy with other work just before the run (a shared "
                        + "machine; other people's builds and tests ran during it), so the absolute numbers are low and noisy; "
                        + "the comparison is what the alternating rounds are for.", busyBefore))
                .bullets(Machine.facts());
        report.write();
        System.err.println("written to " + report.markdownFile());
        return Files.readString(report.markdownFile());
    }
}
