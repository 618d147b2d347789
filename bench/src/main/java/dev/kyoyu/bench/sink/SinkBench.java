package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.load.SizeProfile;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.bench.stack.CpuMeter;
import dev.kyoyu.bench.stack.ProcStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 4 item 7: sink-worker rows/s draining a preloaded topic into a fresh, fully indexed database, with
 * one and two workers and three batch sizes, against a raw COPY of the very same rows in the same run.
 */
public final class SinkBench {
    private SinkBench() {
    }

    public static String usage() {
        return SinkOptions.USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        SinkOptions options = SinkOptions.parse(args, env.repo());
        env.requireBuilt("sink-worker");
        Path scratch = options.scratchDir() != null ? Files.createDirectories(options.scratchDir())
                : Files.createTempDirectory("kyoyu-bench-sink-");
        System.err.println("logs and scratch files: " + scratch);
        long needed = options.events() * 1_300; // both COPY files
        if (Files.getFileStore(scratch).getUsableSpace() < needed) {
            System.err.printf("warning: the COPY files need about %,d MB and %s has less free%n", needed >> 20, scratch);
        }
        SinkResults results = new SinkResults(options, env, scratch);
        results.idleMachineBusy = CpuMeter.machineBusy(java.time.Duration.ofSeconds(3));
        if (results.idleMachineBusy > 0.25) {
            System.err.printf("warning: the machine is already %.2f cores busy with other work; results will be lower and noisier%n",
                    results.idleMachineBusy);
        }
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), options.keep())) {
            String topic = topics.create("sink", options.partitions());
            String deadLetters = topics.create("sink-dlq", options.partitions());
            results.topic = topic;
            boolean peer = options.runs().stream().anyMatch(DebeziumRun.CONFIGS::containsKey);

            System.err.printf("preloading %,d events into %s (%d partitions)…%n", options.events(), topic, options.partitions());
            SizeProfile sizes = new SizeProfile();
            results.preload = Preloader.preload(env.kafkaBootstrap(), topic, options.events(), options.agents(), sizes);
            results.partitionSizes = topics.partitionSizes(topic);
            results.sizes = sizes;
            Map<CopyFormat, Path> copyFiles = new EnumMap<>(CopyFormat.class);
            for (CopyFormat format : CopyFormat.values()) {
                if (options.runs().contains(rawRun(format))) {
                    copyFiles.put(format, scratch.resolve("agent_events." + format.label));
                }
            }
            if (!copyFiles.isEmpty()) {
                System.err.println("writing the rows the sink would COPY to " + copyFiles.values() + "…");
                results.copyFile = CopyFile.write(env.kafkaBootstrap(), topic, options.events(), copyFiles);
            }

            String peerTopic = null;
            if (peer) {
                peerTopic = topics.create("sink-peer", options.partitions());
                System.err.println("copying the topic with a schema for the peer (not timed)…");
                results.peerTopic = PeerTopic.copy(env.kafkaBootstrap(), topic, peerTopic, results.preload.events());
            }

            CpuMeter cpu = new CpuMeter();
            long postmaster = BenchDatabase.postmasterPid(env);
            if (postmaster > 0) {
                cpu.add("postgresql", () -> ProcStats.treeCpuTicks(postmaster));
            }
            env.kafkaBrokerPid().ifPresent(pid -> cpu.addProcess("kafka broker", pid));
            results.pgVersion = BenchDatabase.serverVersion(env);

            for (String run : options.runs()) {
                Optional<CopyFormat> rawFormat = Arrays.stream(CopyFormat.values()).filter(f -> rawRun(f).equals(run)).findFirst();
                if (rawFormat.isPresent()) {
                    SinkResults.Raw raw = raw(env, options, rawFormat.get(), copyFiles.get(rawFormat.get()), cpu);
                    results.raws.add(raw);
                    System.err.printf("raw COPY, %s: %,.0f rows/s%n", raw.format().label, raw.rowsPerSecond());
                } else if (DebeziumRun.CONFIGS.containsKey(run)) {
                    DebeziumRun.Config config = DebeziumRun.CONFIGS.get(run);
                    try {
                        DebeziumRun.Result result = DebeziumRun.run(env, config, peerTopic, results.preload.events(), options.keep(),
                                options.verify(), cpu, scratch);
                        results.peerRuns.add(result);
                        System.err.printf("%s: %,.0f rows/s%n", config.label(), result.rowsPerSecond());
                    } catch (Exception e) {
                        System.err.println(config.label() + " failed: " + e.getMessage());
                        results.peerRuns.add(DebeziumRun.Result.failed(config, e.getMessage()));
                    }
                } else {
                    SinkRun.Config config = SinkRun.CONFIGS.get(run);
                    try {
                        SinkRun.Result result = SinkRun.run(env, config, topic, deadLetters, results.preload.events(), options.keep(),
                                options.verify(), options.serviceJvmArgs(), cpu, scratch);
                        results.sinkRuns.add(result);
                        System.err.printf("%s: %,.0f rows/s%n", config.label(), result.rowsPerSecond());
                    } catch (Exception e) {
                        System.err.println(config.label() + " failed: " + e.getMessage());
                        results.sinkRuns.add(new SinkRun.Result(config, "", 0, Double.NaN, Double.NaN, List.of(), Map.of(), 0, 0,
                                null, e.getMessage()));
                    }
                }
            }
            results.topics = topics.names();
            results.write();
            return results.sinkRuns.stream().anyMatch(r -> r.error() != null)
                    || results.peerRuns.stream().anyMatch(r -> r.error() != null) ? 1 : 0;
        } finally {
            // The COPY files hold every row (gigabytes at 10M events): never leave them behind, whatever happened.
            if (!options.keep()) {
                for (CopyFormat format : CopyFormat.values()) {
                    Files.deleteIfExists(scratch.resolve("agent_events." + format.label));
                }
            }
        }
    }

    /** The --runs name of the raw COPY baseline in {@code format}. */
    static String rawRun(CopyFormat format) {
        return format == CopyFormat.BINARY ? "raw" : "raw-" + format.label;
    }

    private static SinkResults.Raw raw(BenchEnv env, SinkOptions options, CopyFormat format, Path copyFile, CpuMeter cpu)
            throws Exception {
        try (BenchDatabase db = BenchDatabase.create(env, "raw", options.keep())) {
            BenchDatabase.checkpoint(env);
            RawCopy.Result copy = RawCopy.copy(db, format, copyFile, cpu.copy().addSelf("COPY client (this JVM)"));
            String checksum = options.verify() ? SinkRun.checksum(db) : null;
            return new SinkResults.Raw(format, copy.rows(), copy.seconds(), copy.cores(), checksum, db.name());
        }
    }
}
