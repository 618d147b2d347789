package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import dev.kyoyu.testsupport.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import me.tongfei.progressbar.ProgressBar;

/**
 * The peer an SRE would bolt onto Kafka instead of writing a sink: Kafka Connect standalone (a child process, from
 * bench-peer/target/lib, same -Xmx as the workers) running Debezium's JDBC sink connector on the schema'd copy of the
 * preloaded topic ({@link PeerTopic}), into a fresh database of the same schema. Timed like the sink worker: from the
 * first stored row (min(stored_at)) to the poll that sees every row.
 */
final class DebeziumRun {
    private static final String MAIN = "org.apache.kafka.connect.cli.ConnectStandalone";
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration STALL_LIMIT = Duration.ofMinutes(3);

    /** One documented setting of the connector. */
    record Config(String key, int batchSize, boolean rewriteBatchedInserts, boolean upsert, int tasks) {
        String label() {
            return "Debezium JDBC sink, batch.size " + batchSize + (rewriteBatchedInserts ? ", reWriteBatchedInserts" : "")
                    + (upsert ? ", upsert" : ", insert") + ", tasks.max " + tasks;
        }
    }

    /** In the order they run; {@code dbz} is the connector's defaults (batch.size 500, insert, one task). */
    static final Map<String, Config> CONFIGS = configs(
            new Config("dbz", 500, false, false, 1),
            new Config("dbz-b5000", 5000, false, false, 1),
            new Config("dbz-b5000-rw", 5000, true, false, 1),
            new Config("dbz-b5000-rw-upsert", 5000, true, true, 1),
            new Config("dbz-b5000-rw-t2", 5000, true, false, 2),
            new Config("dbz-b5000-rw-t6", 5000, true, false, 6));

    record Result(Config config, String database, long rows, double seconds, double startupSeconds, long peakRssKib,
                  long maxSampledRssKib, Map<String, Double> cores, long storedRows, String checksum, String error) {
        double rowsPerSecond() {
            return rows / seconds;
        }

        static Result failed(Config config, String error) {
            return new Result(config, "", 0, Double.NaN, Double.NaN, 0, 0, Map.of(), 0, null, error);
        }
    }

    private DebeziumRun() {
    }

    static Result run(BenchEnv env, Config config, String topic, long events, boolean keep, boolean checksum,
                      CpuMeter baseCpu, Path scratch) throws Exception {
        env.requireBuilt("bench-peer");
        try (BenchDatabase db = BenchDatabase.create(env, config.key().replace('-', '_'), keep)) {
            BenchDatabase.checkpoint(env);
            Path worker = scratch.resolve(config.key() + "-connect-worker.properties");
            Path connector = scratch.resolve(config.key() + "-connector.properties");
            Path logback = scratch.resolve("connect-logback.xml");
            Files.writeString(worker, properties(workerProperties(env, config, scratch)));
            Files.writeString(connector, properties(connectorProperties(env, db.url(), config, topic)));
            Files.writeString(logback, """
                    <configuration>
                      <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
                        <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
                      </appender>
                      <root level="INFO"><appender-ref ref="out"/></root>
                    </configuration>
                    """);
            Instant launched = Instant.now();
            try (ChildProcess connect = ChildProcess.java(MAIN).name("kafka-connect").heap(env.serviceHeap())
                    .jvmArgs(List.of("-Dlogback.configurationFile=" + logback))
                    .classpath(env.classpathOf("bench-peer")).args(List.of(worker.toString(), connector.toString()))
                    .withoutInheritedSettings().log(scratch.resolve(config.key() + "-kafka-connect.log")).start()) {
                CpuMeter cpu = baseCpu.copy().addProcess(connect.name(), connect.pid());
                long maxRss = 0;
                Instant firstRow = null;
                CpuMeter.Window window = null;
                long last = -1;
                long lastChange = System.nanoTime();
                try (Connection c = db.connect(); Statement s = c.createStatement();
                     ProgressBar bar = Progress.bar(config.key(), events, "rows")) {
                    while (true) {
                        long stored = single(s, "SELECT count(*) FROM agent_events");
                        Instant now = Instant.now();
                        maxRss = Math.max(maxRss, ProcStats.rssKib(connect.pid()));
                        if (stored > 0 && firstRow == null) {
                            window = cpu.start();
                            try (ResultSet r = s.executeQuery("SELECT min(stored_at) FROM agent_events")) {
                                r.next();
                                firstRow = r.getTimestamp(1).toInstant();
                            }
                        }
                        bar.stepTo(stored);
                        if (window != null) {
                            window.sample();
                        }
                        if (stored >= events) {
                            Map<String, Double> cores = window.stop();
                            long peak = ProcStats.peakRssKib(connect.pid());
                            String sum = checksum ? SinkRun.checksum(db) : null;
                            return new Result(config, db.name(), stored, Duration.between(firstRow, now).toNanos() / 1e9,
                                    Duration.between(launched, firstRow).toNanos() / 1e9, peak, maxRss, cores, stored, sum, null);
                        }
                        if (stored != last) {
                            last = stored;
                            lastChange = System.nanoTime();
                        } else if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
                            throw new IllegalStateException("no progress for " + STALL_LIMIT + " at " + stored + " of " + events
                                    + " rows; last Connect log lines:\n" + connect.logTail(30));
                        }
                        if (!connect.isAlive()) {
                            throw new IllegalStateException("Kafka Connect exited at " + stored + " of " + events + " rows; log "
                                    + connect.log() + ":\n" + connect.logTail(30));
                        }
                        Thread.sleep(POLL);
                    }
                }
            }
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    static Map<String, String> workerProperties(BenchEnv env, Config config, Path scratch) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("bootstrap.servers", env.kafkaBootstrap());
        p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        p.put("value.converter.schemas.enable", "true");
        p.put("offset.storage.file.filename", scratch.resolve(config.key() + ".offsets").toString());
        p.put("listeners", "http://127.0.0.1:" + ChildProcess.freePort());
        // Debezium's guidance: let one poll hand the task at least a whole batch.
        p.put("consumer.max.poll.records", Integer.toString(Math.max(500, config.batchSize())));
        p.put("consumer.auto.offset.reset", "earliest");
        return p;
    }

    static Map<String, String> connectorProperties(BenchEnv env, String databaseUrl, Config config, String topic) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("name", "kyoyu-bench-" + config.key());
        p.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        p.put("tasks.max", Integer.toString(config.tasks()));
        p.put("topics", topic);
        p.put("connection.url", databaseUrl + (config.rewriteBatchedInserts() ? (databaseUrl.contains("?") ? "&" : "?")
                + "reWriteBatchedInserts=true" : ""));
        p.put("connection.username", env.pgUser());
        p.put("connection.password", env.pgPassword());
        p.put("insert.mode", config.upsert() ? "upsert" : "insert");
        p.put("primary.key.mode", config.upsert() ? "record_value" : "none");
        if (config.upsert()) {
            p.put("primary.key.fields", "id,agent_id,occurred_at");
        }
        p.put("schema.evolution", "none");
        p.put("collection.name.format", "agent_events");
        p.put("batch.size", Integer.toString(config.batchSize()));
        return p;
    }

    static String properties(Map<String, String> p) {
        return p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static Map<String, Config> configs(Config... configs) {
        Map<String, Config> byKey = new LinkedHashMap<>();
        for (Config c : configs) {
            byKey.put(c.key(), c);
        }
        return byKey;
    }
}
