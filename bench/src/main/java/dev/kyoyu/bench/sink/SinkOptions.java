package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.Options;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * @param events     events preloaded into the bench topic
 * @param runs       which measurements, in order: raw COPY, the sink configurations of {@link SinkRun#CONFIGS} and the
 *                   peer's of {@link DebeziumRun#CONFIGS}
 * @param agents     distinct agents (record keys) in the preloaded stream
 * @param scratchDir where the COPY file goes (it holds every row: about 0.8 KB per event)
 * @param serviceJvmArgs extra JVM flags for sink-worker, for diagnosis (GC logs, native memory tracking)
 * @param verify     compare every sink database with the raw COPY one (row count and a checksum of every column)
 */
public record SinkOptions(long events, List<String> runs, int partitions, int agents, Path outDir, Path scratchDir,
                          List<String> serviceJvmArgs, boolean keep, boolean verify) {

    static final List<String> ALL_RUNS = List.of("raw", "raw-text", "w1", "w2", "b100", "b1000", "b5000");

    static final String USAGE = """
            BenchMain sink [options]     drain a preloaded topic with sink-worker; baseline: raw COPY of the same rows
              --events=N             events to preload (default 1m; 10m for the big backlog)
              --runs=raw,raw-text,w1,w2,b100,b1000,b5000
                                     raw = binary COPY from file, one session (the sink's format); raw-text = the
                                     same rows in COPY's text format; w1 = 1 worker, w2 = 2 workers in one group
                                     (both with the defaults: batch 1000, growing to 5000 while behind); b100, b1000,
                                     b5000 = 1 worker at that batch size, fixed (catch-up size = batch size)
              --peer=debezium        also measure the peer, Kafka Connect standalone with Debezium's JDBC sink, in
                                     every setting: dbz (its defaults: batch.size 500, insert, 1 task), dbz-b5000,
                                     dbz-b5000-rw (+ pgjdbc reWriteBatchedInserts=true), dbz-b5000-rw-upsert,
                                     dbz-b5000-rw-t2 and -t6 (tasks.max); or name some of them in --runs
              --partitions=6         partitions of the preloaded topic
              --agents=1000          distinct agents (record keys; few agents skew the partitions)
              --no-verify            skip the row-by-row checksum against the raw COPY database
              --scratch=DIR          where the COPY file is written (default: a new temporary directory)
              --service-jvm-args="-Xlog:gc …"
                                     extra JVM flags for sink-worker, after -Xmx (diagnosis; the report names them)
              --out=DIR              where the .md and .png go (default docs/benchmarks of the checkout)
              --keep                 keep the bench topics and databases""";

    static SinkOptions parse(List<String> args, Path repo) {
        Options o = new Options(args);
        Set<String> known = new HashSet<>(ALL_RUNS);
        known.addAll(DebeziumRun.CONFIGS.keySet());
        List<String> runs = new ArrayList<>(o.list("runs", ALL_RUNS, known));
        String peer = o.string("peer", "none");
        if (peer.equals("debezium")) {
            DebeziumRun.CONFIGS.keySet().stream().filter(k -> !runs.contains(k)).forEach(runs::add);
        } else if (!peer.equals("none")) {
            o.problem("--peer: only 'debezium' is known; got '" + peer + "'");
        }
        SinkOptions options = new SinkOptions(
                o.number("events", 1_000_000, 1_000, 100_000_000),
                List.copyOf(runs),
                o.integer("partitions", 6, 1, 1000),
                o.integer("agents", 1000, 1, 100_000),
                Path.of(o.string("out", repo.resolve("docs").resolve("benchmarks").toString())),
                o.string("scratch", null) == null ? null : Path.of(o.string("scratch", null)),
                Options.words(o.string("service-jvm-args", "")),
                o.flag("keep"),
                !o.flag("no-verify"));
        o.finish();
        return options;
    }
}
