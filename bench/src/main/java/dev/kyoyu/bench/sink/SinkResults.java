package dev.kyoyu.bench.sink;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.load.SizeProfile;
import dev.kyoyu.bench.report.Charts;
import dev.kyoyu.bench.report.Machine;
import dev.kyoyu.bench.report.Report;
import dev.kyoyu.bench.report.Table;
import dev.kyoyu.bench.stack.CpuMeter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Everything one sink run measured, and how it is written up: stdout, markdown and a PNG chart. */
final class SinkResults {
    /** The bar: one sink worker reaches 0.9 of the raw COPY rate (the faster format's). */
    static final double BAR = 0.9;
    static final long RSS_LIMIT_KIB = 1024 * 1024;

    record Raw(CopyFormat format, long rows, double seconds, Map<String, Double> cores, String checksum, String database) {
        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    final SinkOptions options;
    final BenchEnv env;
    final Path scratch;
    String topic;
    Preloader.Result preload;
    List<Long> partitionSizes = List.of();
    SizeProfile sizes;
    CopyFile.Result copyFile;
    String pgVersion;
    /** The raw COPY baselines measured, one per format; {@link #baseline()} is the faster. */
    final List<Raw> raws = new ArrayList<>();
    final List<SinkRun.Result> sinkRuns = new ArrayList<>();
    /** The peer (Kafka Connect + Debezium's JDBC sink), one per setting tried; {@link #peerBest()} is the fastest. */
    final List<DebeziumRun.Result> peerRuns = new ArrayList<>();
    PeerTopic.Result peerTopic;
    List<String> topics = List.of();
    double idleMachineBusy;

    SinkResults(SinkOptions options, BenchEnv env, Path scratch) {
        this.options = options;
        this.env = env;
        this.scratch = scratch;
    }

    /** What the sink is held against: the fastest raw COPY of this run, or null when none ran. */
    Raw baseline() {
        return raws.stream().max(java.util.Comparator.comparingDouble(Raw::rowsPerSecond)).orElse(null);
    }

    DebeziumRun.Result peerBest() {
        return peerRuns.stream().filter(r -> r.error() == null)
                .max(java.util.Comparator.comparingDouble(DebeziumRun.Result::rowsPerSecond)).orElse(null);
    }

    /** The bars against the peer's best setting: one worker ≥ 2.5 ×, two workers ≥ 3 ×. */
    static final Map<String, Double> PEER_BARS = Map.of("w1", 2.5, "w2", 3.0);

    void write() throws IOException {
        Raw raw = baseline();
        Table results = new Table("run", "rows", "first → last row s", "rows/s", "÷ raw COPY", "÷ peer's best", "peak RSS MiB (per worker)",
                "time in flush", "writer busy", "start → first row s", "stored rows", "same rows as raw COPY");
        for (Raw r : raws) {
            results.row("raw COPY, " + r.format().label + ", 1 session, from file", String.format("%,d", r.rows()), r.seconds(),
                    r.rowsPerSecond(), ratio(r.rowsPerSecond()), peerRatio(r.rowsPerSecond()), "–", "–", "–", "–", String.format("%,d", r.rows()),
                    r == raw ? "–" : same(r.checksum()));
        }
        for (SinkRun.Result r : sinkRuns) {
            if (r.error() != null) {
                results.row(r.config().label(), "FAILED: " + r.error().lines().findFirst().orElse(""), "", "", "", "", "", "", "", "", "", "");
                continue;
            }
            results.row(r.config().label(), String.format("%,d", r.rows()), r.seconds(), r.rowsPerSecond(), ratio(r.rowsPerSecond()),
                    peerRatio(r.rowsPerSecond()),
                    r.workers().stream().map(w -> Table.mib(w.peakRssKib())).collect(Collectors.joining(" / ")),
                    flushShare(r), writeShare(r), r.startupSeconds(), String.format("%,d", r.storedRows()), same(r));
        }
        for (DebeziumRun.Result r : peerRuns) {
            if (r.error() != null) {
                results.row(r.config().label(), "FAILED: " + r.error().lines().findFirst().orElse(""), "", "", "", "", "", "", "", "", "", "");
                continue;
            }
            results.row(r.config().label() + (r == peerBest() ? " (peer's best)" : ""), String.format("%,d", r.rows()), r.seconds(),
                    r.rowsPerSecond(), ratio(r.rowsPerSecond()), peerRatio(r.rowsPerSecond()), Table.mib(r.peakRssKib()) + " (Connect)",
                    "–", "–", r.startupSeconds(), String.format("%,d", r.storedRows()), samePeer(r));
        }
        Table cpu = cpuTable();
        Table workers = workerTable();

        String verdict = verdict();
        System.out.println();
        System.out.println(verdict);
        System.out.println();
        System.out.print(results.markdown());
        System.out.println();
        System.out.print(cpu.markdown());
        System.out.println();
        System.out.print(workers.markdown());

        Report report = new Report(options.outDir(), "sink");
        report.heading("Sink worker benchmark, " + Report.now())
                .paragraph(verdict)
                .table(results)
                .chart("rows/s per configuration against raw COPY")
                .heading("Where the cores went (average cores busy from first to last row)")
                .table(cpu)
                .heading("Per worker")
                .table(workers)
                .heading("Method")
                .bullets(method())
                .heading("Preloaded events")
                .paragraph(String.format(Locale.ROOT, "%,d events (%,d runs started, %,d MB of record values, mean %.0f bytes) "
                                + "produced in %.1f s (%,.0f events/s) to `%s`, %d partitions, %d agents (record keys)%s.",
                        preload.events(), preload.runsStarted(), preload.valueBytes() >> 20, (double) preload.valueBytes() / preload.events(),
                        preload.seconds(), preload.events() / preload.seconds(), topic, options.partitions(), options.agents(),
                        copyFile == null ? "; no raw COPY in this run, so no COPY file" : String.format(Locale.ROOT,
                                "; the COPY files of the same rows: %s", copyFile.bytes().entrySet().stream()
                                        .map(e -> String.format(Locale.ROOT, "%s %,d MB (%.0f bytes a row)", e.getKey().label,
                                                e.getValue() >> 20, (double) e.getValue() / copyFile.rows()))
                                        .collect(Collectors.joining(", ")))))
                .paragraph("Records per partition: " + partitionSizes.stream().map(n -> String.format("%,d", n))
                        .collect(Collectors.joining(" / ")) + " (keys are agent ids; with two workers each owns three partitions).")
                .table(sizes.table("record value"))
                .heading("Machine")
                .bullets(machine())
                .heading("Command")
                .code(Machine.commandLine())
                .paragraph("The same through the launcher, with the stack's environment: `./kyoyu bench sink`"
                        + (Machine.arguments().isEmpty() ? "" : " `" + String.join(" ", Machine.arguments()) + "`") + ".");
        List<String> categories = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        raws.forEach(r -> {
            categories.add("raw COPY " + r.format().label);
            values.add(r.rowsPerSecond());
        });
        sinkRuns.stream().filter(r -> r.error() == null).forEach(r -> {
            categories.add(r.config().label().replace("sink, ", ""));
            values.add(r.rowsPerSecond());
        });
        peerRuns.stream().filter(r -> r.error() == null).forEach(r -> {
            categories.add(r.config().key());
            values.add(r.rowsPerSecond());
        });
        Charts.bars(report.pngFile(), String.format(Locale.ROOT, "sink-worker rows/s vs raw COPY%s (%,d events, %d cores)",
                        peerRuns.isEmpty() ? "" : " and Debezium's JDBC sink",
                        options.events(), Runtime.getRuntime().availableProcessors()), "rows per second", categories, values,
                raw == null ? null : BAR + " × raw COPY", raw == null ? null : BAR * raw.rowsPerSecond());
        report.write();
        System.out.println();
        System.out.println("written: " + report.markdownFile() + " and " + report.pngFile().getFileName());
    }

    private String verdict() {
        Raw raw = baseline();
        StringBuilder out = new StringBuilder();
        sinkRuns.stream().filter(r -> r.config().key().equals("w1") && r.error() == null).findFirst().ifPresent(r -> {
            if (raw != null) {
                double ratio = r.rowsPerSecond() / raw.rowsPerSecond();
                out.append(String.format(Locale.ROOT, "**One worker: %,.0f rows/s = %.2f × raw COPY's %,.0f rows/s (%s, the faster "
                                + "format here; bar ≥ %.1f: %s).** ",
                        r.rowsPerSecond(), ratio, raw.rowsPerSecond(), raw.format().label, BAR, ratio >= BAR ? "met" : "NOT met"));
            }
        });
        DebeziumRun.Result best = peerBest();
        if (best != null) {
            out.append(String.format(Locale.ROOT, "**Peer (Kafka Connect + Debezium JDBC sink), best of %d settings: %,.0f rows/s (%s)",
                    peerRuns.size(), best.rowsPerSecond(), best.config().label()));
            for (String key : List.of("w1", "w2")) {
                sinkRuns.stream().filter(r -> r.config().key().equals(key) && r.error() == null).findFirst().ifPresent(r -> {
                    double ratio = r.rowsPerSecond() / best.rowsPerSecond();
                    out.append(String.format(Locale.ROOT, "; %s %,.0f rows/s = %.2f × the peer's best (bar ≥ %.1f: %s)",
                            key.equals("w1") ? "one worker" : "two workers", r.rowsPerSecond(), ratio, PEER_BARS.get(key),
                            ratio >= PEER_BARS.get(key) ? "met" : "NOT met"));
                });
            }
            out.append(".** ");
        }
        long peak = sinkRuns.stream().flatMap(r -> r.workers().stream()).mapToLong(SinkRun.WorkerReport::peakRssKib).max().orElse(-1);
        if (peak > 0) {
            out.append(String.format(Locale.ROOT, "Highest worker peak RSS %s MiB with -Xmx%s while draining %,d events (limit 1 GiB: %s). ",
                    Table.mib(peak), env.serviceHeap(), options.events(), peak < RSS_LIMIT_KIB ? "kept" : "EXCEEDED"));
        }
        boolean allSame = sinkRuns.stream().allMatch(r -> r.error() == null && (raw == null || r.checksum() == null
                || r.checksum().equals(raw.checksum())))
                && peerRuns.stream().allMatch(r -> r.error() == null && (raw == null || r.checksum() == null
                || r.checksum().equals(raw.checksum())))
                && raws.stream().allMatch(r -> r.checksum() == null || r.checksum().equals(raw.checksum()));
        out.append(allSame ? "Every run stored exactly the rows of the raw COPY." : "Some run FAILED or stored different rows: see the table.");
        return out.toString();
    }

    private Table cpuTable() {
        List<String> names = new ArrayList<>();
        List<Map<String, Double>> all = new ArrayList<>();
        raws.forEach(r -> all.add(r.cores()));
        sinkRuns.forEach(r -> all.add(r.cores()));
        peerRuns.forEach(r -> all.add(r.cores()));
        all.forEach(c -> c.keySet().forEach(n -> {
            if (!names.contains(n) && !n.startsWith("sink-worker") && !n.equals("kafka-connect")) {
                names.add(n);
            }
        }));
        names.remove(CpuMeter.MACHINE);
        names.remove(CpuMeter.OTHER);
        names.add(CpuMeter.OTHER);
        List<String> header = new ArrayList<>(List.of("run", "sink worker(s) or Kafka Connect"));
        header.addAll(names);
        header.add(CpuMeter.MACHINE + " (of " + Runtime.getRuntime().availableProcessors() + ")");
        Table table = new Table(header.toArray(String[]::new));
        raws.forEach(r -> table.row(cpuRow("raw COPY, " + r.format().label, "–", names, r.cores())));
        sinkRuns.stream().filter(r -> r.error() == null).forEach(r -> table.row(cpuRow(r.config().label(),
                r.cores().entrySet().stream().filter(e -> e.getKey().startsWith("sink-worker"))
                        .map(e -> String.format(Locale.ROOT, "%.2f", e.getValue())).collect(Collectors.joining(" + ")),
                names, r.cores())));
        peerRuns.stream().filter(r -> r.error() == null).forEach(r -> table.row(cpuRow(r.config().label(),
                String.format(Locale.ROOT, "%.2f", r.cores().getOrDefault("kafka-connect", Double.NaN)), names, r.cores())));
        return table;
    }

    private static Object[] cpuRow(String label, String workers, List<String> names, Map<String, Double> cores) {
        List<Object> row = new ArrayList<>(List.of(label, workers));
        names.forEach(n -> row.add(cores.containsKey(n) ? String.format(Locale.ROOT, "%.2f", cores.get(n)) : "–"));
        row.add(String.format(Locale.ROOT, "%.2f", cores.getOrDefault(CpuMeter.MACHINE, Double.NaN)));
        return row.toArray();
    }

    private Table workerTable() {
        Table table = new Table("run", "worker", "rows stored (its /metrics)", "flushes", "mean flush ms", "mean batch",
                "peak RSS MiB (VmHWM)", "max sampled RSS MiB", "copy errors", "dead-lettered", "exit code after SIGTERM");
        for (SinkRun.Result r : sinkRuns) {
            for (int i = 0; i < r.workers().size(); i++) {
                SinkRun.WorkerReport w = r.workers().get(i);
                table.row(r.config().label(), i + 1, String.format("%,.0f", w.stored()), String.format("%,.0f", w.flushes()),
                        String.format(Locale.ROOT, "%.1f", 1000 * w.flushSeconds() / w.flushes()),
                        String.format("%,.0f", w.stored() / w.flushes()), Table.mib(w.peakRssKib()), Table.mib(w.maxSampledRssKib()),
                        String.format("%.0f", w.copyErrors()), String.format("%.0f", w.deadLettered()), w.exitCode());
            }
        }
        return table;
    }

    private List<String> method() {
        return List.of(
                "Every measurement gets a fresh database migrated by the project's Liquibase changelog (hypertable with its primary "
                        + "key and all three secondary indexes) and a CHECKPOINT first, on the stack's PostgreSQL server.",
                "raw COPY: `" + CopyFormat.BINARY.statement() + "` of the file in one statement, one session "
                        + "(pgjdbc CopyManager); the file holds exactly the rows sink-worker COPYs for these records (read back from "
                        + "the topic, decoded by sink-worker's own RecordDecoder and formatted by its EventCopyWriter.formatRow). "
                        + "raw-text: the same rows in COPY's text format (`FORMAT text`), to show which format is faster. Each timed "
                        + "around the COPY call; the sink is held against the faster of the two.",
                "sink: worker processes started together as `java -Xmx" + env.serviceHeap()
                        + (options.serviceJvmArgs().isEmpty() ? "" : " " + String.join(" ", options.serviceJvmArgs())) + " -cp sink-worker/target/sink-worker.jar:"
                        + "sink-worker/target/lib/* dev.kyoyu.sink.SinkMain`, fresh consumer group, KYOYU_SINK_BATCH_MAX_EVENTS as "
                        + "named, every other setting at its default. Timed from the first stored row (min(stored_at), the start of "
                        + "its transaction) to the poll (every 100 ms) that sees sum(sink_offsets.next_offset) reach the topic's size.",
                "peer: Kafka Connect " + org.apache.kafka.common.utils.AppInfoParser.getVersion() + " standalone "
                        + "(`org.apache.kafka.connect.cli.ConnectStandalone`, a child process with -Xmx" + env.serviceHeap()
                        + ", classpath bench-peer/target/lib) running Debezium's JDBC sink connector (io.debezium:debezium-connector-jdbc, "
                        + "the version pinned in the parent pom) into a fresh database of the same schema, table agent_events "
                        + "(schema.evolution=none, collection.name.format=agent_events), consumer.max.poll.records = max(500, batch.size). "
                        + "The connector only writes records with a schema, and the events topic is plain JSON with no schema registry, "
                        + "so before the peer's runs (not timed) every record is copied, same key and partition, to a topic of its own "
                        + "as a JsonConverter schemas.enable=true envelope whose fields are the table's columns, with Debezium's "
                        + "semantic types io.debezium.data.Uuid, io.debezium.time.ZonedTimestamp and io.debezium.data.Json for the "
                        + "uuid, timestamptz and jsonb columns and kafka_partition/kafka_offset of the source record"
                        + (peerTopic == null ? "" : String.format(Locale.ROOT, " (%,d records, mean %.0f bytes a value against the "
                        + "source's %.0f: the schema travels in every record; copied in %.1f s)", peerTopic.records(),
                        (double) peerTopic.valueBytes() / peerTopic.records(), (double) preload.valueBytes() / preload.events(),
                        peerTopic.seconds()))
                        + ". Only the connector's consumption is timed, the same way as the sink's: from min(stored_at) to the poll "
                        + "(every 250 ms, count(*) of agent_events) that sees every row. The peer writes agent_events only: no "
                        + "agent_runs rows and no offsets in the database (Connect commits its offsets to Kafka), so it does less work "
                        + "than the sink worker. Settings tried: the connector's defaults (batch.size 500, insert.mode insert, one "
                        + "task), batch.size 5000, plus reWriteBatchedInserts=true on the pgjdbc URL, insert vs upsert (primary.key.mode "
                        + "record_value on id, agent_id, occurred_at, the table's key), tasks.max 1, 2 and 6 (the partition count).",
                "The sink also writes what raw COPY does not: agent_runs rows from RunStarted/RunCompleted/RunFailed events and "
                        + "sink_offsets, in the same transaction as each batch.",
                "time in flush = the worker's kyoyu_events_batch_flush_duration_seconds_sum ÷ the run's first → last time: the share "
                        + "of the run during which a batch was being written (COPY, run rows, offsets, commit). The worker decodes and "
                        + "formats the next batch while one is written; a batch is settled only when the next one is due, so this "
                        + "includes waiting for the worker. writer busy = kyoyu_events_batch_write_duration_seconds_sum ÷ the same: "
                        + "the writers' own time in the database, summed over the batches written at once "
                        + "(KYOYU_SINK_WRITES_IN_FLIGHT, 2 by default), so it can pass 100%.",
                String.format(Locale.ROOT, "machine busy before the run started: %.2f cores (other work on the box; "
                        + "\"everything else\" in the CPU table shows it during each measurement)", idleMachineBusy),
                "same rows as raw COPY: count and a sum of hashes over every column the sink writes, compared with the raw COPY database.",
                "Peak RSS: VmHWM of each worker process from /proc, read at the end of its run (covers startup and the whole drain); "
                        + "max sampled RSS: the highest VmRSS seen in the 100 ms polls.",
                "Topics used (deleted afterwards unless --keep): " + String.join(", ", topics) + "; child logs in " + scratch);
    }

    private List<String> machine() {
        List<String> facts = new ArrayList<>(Machine.facts());
        facts.add(pgVersion + " (shared_buffers and the rest as deploy/local/postgres.sh sets them), same machine");
        return facts;
    }

    private String peerRatio(double rowsPerSecond) {
        DebeziumRun.Result best = peerBest();
        return best == null ? "–" : String.format(Locale.ROOT, "%.2f", rowsPerSecond / best.rowsPerSecond());
    }

    private String samePeer(DebeziumRun.Result r) {
        if (r.checksum() == null || baseline() == null || baseline().checksum() == null) {
            return r.storedRows() == r.rows() ? "count only: yes" : "count differs";
        }
        return same(r.checksum());
    }

    private String ratio(double rowsPerSecond) {
        Raw raw = baseline();
        return raw == null ? "–" : String.format(Locale.ROOT, "%.2f", rowsPerSecond / raw.rowsPerSecond());
    }

    private static String writeShare(SinkRun.Result r) {
        double write = r.workers().stream().mapToDouble(SinkRun.WorkerReport::writeSeconds).sum() / r.workers().size();
        return String.format(Locale.ROOT, "%.0f%%", 100 * write / r.seconds());
    }

    private static String flushShare(SinkRun.Result r) {
        double flush = r.workers().stream().mapToDouble(SinkRun.WorkerReport::flushSeconds).sum() / r.workers().size();
        return String.format(Locale.ROOT, "%.0f%%", 100 * flush / r.seconds());
    }

    private String same(SinkRun.Result r) {
        if (r.checksum() == null || baseline() == null || baseline().checksum() == null) {
            return r.storedRows() == r.rows() ? "count only: yes" : "count differs";
        }
        return same(r.checksum());
    }

    private String same(String checksum) {
        String expected = baseline().checksum();
        return checksum == null || expected == null ? "–" : checksum.equals(expected) ? "yes" : "NO (" + checksum + " vs " + expected + ")";
    }
}
