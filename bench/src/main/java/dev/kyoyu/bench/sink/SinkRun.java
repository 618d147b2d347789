package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.Ports;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.testsupport.ChildProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * One sink measurement: fresh database, fresh consumer group, N worker processes started together on the
 * preloaded topic; rows/s from the first stored row to the last, each worker's peak RSS, where the CPU went.
 */
final class SinkRun {
    private static final String MAIN = "dev.kyoyu.sink.SinkMain";
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STALL_LIMIT = Duration.ofMinutes(3);

    /** {@code catchUpMaxEvents}: KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS; equal to the batch size, batches never grow. */
    record Config(String key, String label, int workers, int batchMaxEvents, int catchUpMaxEvents) {
    }

    static final Map<String, Config> CONFIGS = Map.of(
            "w1", new Config("w1", "sink, 1 worker, defaults (batch 1000, up to 5000 while behind)", 1, 1000, 5000),
            "w2", new Config("w2", "sink, 2 workers, defaults", 2, 1000, 5000),
            "b100", new Config("b100", "sink, 1 worker, batch 100 fixed", 1, 100, 100),
            "b1000", new Config("b1000", "sink, 1 worker, batch 1000 fixed", 1, 1000, 1000),
            "b5000", new Config("b5000", "sink, 1 worker, batch 5000 fixed", 1, 5000, 5000));

    /** What one worker reported on /metrics at the end of the run. */
    record WorkerReport(long peakRssKib, long maxSampledRssKib, double stored, double flushSeconds, double flushes,
                        double writeSeconds, double copyErrors, double deadLettered, int exitCode) {
    }

    record Result(Config config, String database, long rows, double seconds, double startupSeconds,
                  List<WorkerReport> workers, Map<String, Double> cores, long storedRows, long runRows, String checksum,
                  String error) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private SinkRun() {
    }

    static Result run(BenchEnv env, Config config, String topic, String deadLetterTopic, long events, boolean keep,
                      boolean checksum, List<String> extraJvmArgs, CpuMeter baseCpu, Path logDir) throws Exception {
        try (BenchDatabase db = BenchDatabase.create(env, config.key(), keep)) {
            BenchDatabase.checkpoint(env);
            String group = "bench-sink-" + db.name();
            List<ChildProcess> workers = new ArrayList<>();
            List<Integer> ports = new ArrayList<>();
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + env.serviceHeap()));
            jvm.addAll(extraJvmArgs);
            Instant launched = Instant.now();
            try {
                for (int i = 0; i < config.workers(); i++) {
                    int port = ChildProcess.freePort();
                    ports.add(port);
                    workers.add(ChildProcess.java(MAIN).name("sink-worker-" + (i + 1)).jvmArgs(jvm).classpath(env.classpathOf("sink-worker"))
                            .env(workerEnv(env, db, topic, deadLetterTopic, group, port, config)).withoutInheritedSettings()
                            .log(logDir.resolve(config.key() + "-sink-worker-" + (i + 1) + ".log")).start());
                }
                CpuMeter cpu = baseCpu.copy();
                for (ChildProcess worker : workers) {
                    cpu.addProcess(worker.name(), worker.pid());
                }
                Drain drain = drain(db, topic, events, workers, cpu, config.label());
                // The workers count a batch just after its commit, which the poll may have seen first.
                Thread.sleep(1000);
                List<WorkerReport> reports = new ArrayList<>();
                for (int i = 0; i < workers.size(); i++) {
                    reports.add(report(workers.get(i), ports.get(i), drain.maxRss().get(i)));
                }
                workers.forEach(ChildProcess::close);
                List<WorkerReport> withExit = new ArrayList<>();
                for (int i = 0; i < reports.size(); i++) {
                    WorkerReport r = reports.get(i);
                    withExit.add(new WorkerReport(r.peakRssKib(), r.maxSampledRssKib(), r.stored(), r.flushSeconds(), r.flushes(),
                            r.writeSeconds(), r.copyErrors(), r.deadLettered(), workers.get(i).process().exitValue()));
                }
                long stored = db.queryLong("SELECT count(*) FROM agent_events");
                long runs = db.queryLong("SELECT count(*) FROM agent_runs");
                String sum = checksum ? checksum(db) : null;
                double seconds = Duration.between(drain.firstRow(), drain.lastRow()).toNanos() / 1e9;
                return new Result(config, db.name(), drain.rows(), seconds,
                        Duration.between(launched, drain.firstRow()).toNanos() / 1e9, withExit, drain.cores(), stored, runs, sum, null);
            } finally {
                workers.forEach(ChildProcess::close);
            }
        }
    }

    private record Drain(long rows, Instant firstRow, Instant lastRow, Map<String, Double> cores, List<Long> maxRss) {
    }

    /**
     * Polls the offsets the workers store with their rows (sum of next offsets = records stored, on a fresh
     * topic) until every event is in. The first row's time is its transaction's start (stored_at = now()).
     */
    private static Drain drain(BenchDatabase db, String topic, long events, List<ChildProcess> workers, CpuMeter cpu,
                               String label) throws SQLException, InterruptedException {
        List<Long> maxRss = new ArrayList<>(workers.stream().map(w -> 0L).toList());
        Instant firstRow = null;
        CpuMeter.Window window = null;
        long last = -1;
        long lastChange = System.nanoTime();
        try (Connection c = db.connect();
             PreparedStatement progress = c.prepareStatement("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?");
             ProgressBar bar = Progress.bar(label, events, "rows")) {
            progress.setString(1, topic);
            while (true) {
                long stored;
                try (ResultSet rows = progress.executeQuery()) {
                    rows.next();
                    stored = rows.getLong(1);
                }
                Instant now = Instant.now();
                if (stored > 0 && firstRow == null) {
                    window = cpu.start();
                    firstRow = firstStoredAt(c);
                }
                bar.stepTo(stored);
                for (int i = 0; i < workers.size(); i++) {
                    maxRss.set(i, Math.max(maxRss.get(i), ProcStats.rssKib(workers.get(i).pid())));
                }
                if (window != null) {
                    window.sample();
                }
                if (stored >= events) {
                    return new Drain(stored, firstRow, now, window.stop(), maxRss);
                }
                if (stored != last) {
                    last = stored;
                    lastChange = System.nanoTime();
                } else if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
                    throw new IllegalStateException("no progress for " + STALL_LIMIT + " at " + stored + " of " + events
                            + " rows; last worker log lines:\n" + workers.getFirst().logTail(20));
                }
                for (ChildProcess worker : workers) {
                    if (!worker.isAlive()) {
                        throw new IllegalStateException(worker.name() + " exited at " + stored + " of " + events + " rows; log "
                                + worker.log() + ":\n" + worker.logTail(30));
                    }
                }
                Thread.sleep(POLL);
            }
        }
    }

    private static Instant firstStoredAt(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rows = s.executeQuery("SELECT min(stored_at) FROM agent_events")) {
            rows.next();
            Timestamp first = rows.getTimestamp(1);
            return first == null ? Instant.now() : first.toInstant();
        }
    }

    private static Map<String, String> workerEnv(BenchEnv env, BenchDatabase db, String topic, String deadLetterTopic,
                                                 String group, int port, Config config) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("KYOYU_SINK_HOST", "127.0.0.1");
        e.put("KYOYU_SINK_PORT", Integer.toString(port));
        e.put("KYOYU_KAFKA_BOOTSTRAP", env.kafkaBootstrap());
        e.put("KYOYU_EVENTS_TOPIC", topic);
        e.put("KYOYU_EVENTS_DLQ_TOPIC", deadLetterTopic);
        e.put("KYOYU_SINK_GROUP", group);
        e.put("KYOYU_PG_URL", db.url());
        e.put("KYOYU_PG_USER", env.pgUser());
        e.put("KYOYU_PG_PASSWORD", env.pgPassword());
        e.put("KYOYU_SINK_BATCH_MAX_EVENTS", Integer.toString(config.batchMaxEvents()));
        e.put("KYOYU_SINK_BATCH_CATCH_UP_MAX_EVENTS", Integer.toString(config.catchUpMaxEvents()));
        return e;
    }

    private static WorkerReport report(ChildProcess worker, int port, long maxSampledRss) {
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            for (String line : Ports.get(port, "/metrics").split("\n")) {
                if (line.startsWith("kyoyu_")) {
                    int space = line.lastIndexOf(' ');
                    int brace = line.indexOf('{');
                    String name = line.substring(0, brace > 0 ? brace : space);
                    m.merge(name, Double.parseDouble(line.substring(space + 1)), Double::sum);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("could not read " + worker.name() + "'s /metrics: " + e);
        }
        return new WorkerReport(ProcStats.peakRssKib(worker.pid()), maxSampledRss, m.getOrDefault("kyoyu_events_stored_total", Double.NaN),
                m.getOrDefault("kyoyu_events_batch_flush_duration_seconds_sum", Double.NaN),
                m.getOrDefault("kyoyu_events_batch_flush_duration_seconds_count", Double.NaN),
                m.getOrDefault("kyoyu_events_batch_write_duration_seconds_sum", Double.NaN),
                m.getOrDefault("kyoyu_copy_errors_total", Double.NaN),
                m.getOrDefault("kyoyu_events_dead_lettered_total", Double.NaN), -1);
    }

    /** Row count and a hash over every column the sink writes, to compare with the raw COPY database. */
    static String checksum(BenchDatabase db) {
        return db.queryString("SELECT count(*) || ' rows, hash ' || coalesce(sum(hashtextextended(id::text || '|' || run_id::text "
                + "|| '|' || agent_id || '|' || event_type || '|' || occurred_at::text || '|' || received_at::text || '|' "
                + "|| payload::text || '|' || kafka_partition || '|' || kafka_offset, 0)), 0) FROM agent_events");
    }
}
