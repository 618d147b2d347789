package dev.kyoyu.bench.ingest;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.load.SizeProfile;
import dev.kyoyu.bench.report.Charts;
import dev.kyoyu.bench.report.Machine;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Report;
import dev.kyoyu.bench.report.Table;
import dev.kyoyu.bench.stack.CpuMeter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Everything one ingest run measured, and how it is written up: stdout, markdown and a PNG chart. */
final class IngestResults {
    /** The bar: the ingest API at batches of 100 reaches half the raw producer's rate. */
    static final double BAR = 0.5;
    static final long RSS_LIMIT_KIB = 512 * 1024;

    final IngestOptions options;
    final BenchEnv env;
    final String topic;
    final int partitions;
    final SizeProfile sizes = new SizeProfile();
    final Map<Integer, Percentiles> bodySizes = new LinkedHashMap<>();
    /** One per rate-limit mode, in the order run; each on a fresh ingest-api. */
    final List<ModeRun> modes = new ArrayList<>();
    final List<ProducerBaseline.Result> baselines = new ArrayList<>();
    double idleMachineBusy;

    /** Every phase of ingest-api with its rate limiting {@code mode} (off, in-process, redis). */
    record ModeRun(String mode, List<HttpLoad.PhaseResult> phases, long startupPeakRssKib, long lifetimePeakRssKib, int exitCode) {
        long peakRssKib() {
            return Math.max(lifetimePeakRssKib, phases.stream().mapToLong(HttpLoad.PhaseResult::peakRssKib).max().orElse(0));
        }
    }
    TopicSample.Sizes topicSizes;
    List<String> topics = List.of();

    IngestResults(IngestOptions options, BenchEnv env, String topic, int partitions) {
        this.options = options;
        this.env = env;
        this.topic = topic;
        this.partitions = partitions;
    }

    void write(Path workDir) throws IOException {
        ProducerBaseline.Result raw = baselines.getFirst();
        Table results = new Table("rate limits", "batch size", "requests", "events", "events/s", "requests/s", "p50 ms", "p95 ms",
                "p99 ms", "max ms", "errors", "peak RSS MiB", "events/s ÷ raw producer");
        for (ModeRun m : modes) {
            for (HttpLoad.PhaseResult p : m.phases()) {
                results.row(m.mode(), String.format("%,d", p.batchSize()), String.format("%,d", p.requests()),
                        String.format("%,d", p.events()), p.eventsPerSecond(), p.requestsPerSecond(), ms(p.latencyNanos().at(50)),
                        ms(p.latencyNanos().at(95)), ms(p.latencyNanos().at(99)), ms(p.latencyNanos().max()), errors(p),
                        Table.mib(p.peakRssKib()), ratio(p.eventsPerSecond() / raw.recordsPerSecond()));
            }
        }
        Table rateModes = rateModeTable(raw);
        Table baselineTable = new Table("baseline", "records", "records/s", "MB/s", "avg ms", "p50 ms", "p95 ms", "p99 ms",
                "max ms", "settings");
        for (ProducerBaseline.Result b : baselines) {
            baselineTable.row(b.label(), String.format("%,d", b.records()), b.recordsPerSecond(), b.mbPerSecond(), b.avgLatencyMs(),
                    b.p50Ms(), b.p95Ms(), b.p99Ms(), b.maxLatencyMs(), b.settings());
        }
        Table cpu = cpuTable();
        Table bodies = new Table("batch size", "request body bytes p50", "mean", "max");
        bodySizes.forEach((batch, s) -> bodies.row(String.format("%,d", batch), String.format("%,d", s.at(50)),
                Table.number(s.mean()), String.format("%,d", s.max())));

        String verdict = verdict(raw);
        System.out.println();
        System.out.println(verdict);
        System.out.println();
        System.out.print(results.markdown());
        System.out.println();
        System.out.print(rateModes.markdown());
        System.out.println();
        System.out.print(baselineTable.markdown());
        System.out.println();
        System.out.print(cpu.markdown());

        Report report = new Report(options.outDir(), "ingest");
        report.heading("Ingest API benchmark, " + Report.now())
                .paragraph(verdict)
                .table(results)
                .chart("events/s per batch size against the raw producer")
                .heading("Rate limiting: what charging costs")
                .paragraph("Each mode is a fresh ingest-api running every phase. off: KYOYU_RATE_LIMITS=off, nothing is "
                        + "counted. in-process: every request and its events are charged to the agent's Bucket4j buckets in "
                        + "the process. redis: the same buckets in the stack's redis-server (Bucket4j's Lettuce integration, "
                        + "compare-and-swap: a round trip or two per charge). Limits are set far above the load "
                        + "(1,000,000 requests/s, 100,000,000 events/s per agent), so nothing is refused and the difference "
                        + "is the cost of charging. The modes run one after the other: on a shared machine compare the "
                        + "events per ingest-api core-second as well as events/s.")
                .table(rateModes)
                .heading("Baseline: Kafka's ProducerPerformance, same broker, same run")
                .paragraph("Ratio = ingest-api events/s ÷ the first row's records/s (the raw producer at the mean size of the "
                        + "records the ingest API published). The second row sends the very records the ingest API published, "
                        + "with the ingest-api producer's own settings, for comparison.")
                .table(baselineTable)
                .heading("Where the cores went (average cores busy during each measurement window)")
                .table(cpu)
                .heading("Load")
                .bullets(loadFacts(workDir))
                .heading("Event mix (generated once before the load; every phase cycles through its pool)")
                .table(sizes.table("event JSON as posted"))
                .table(bodies)
                .paragraph(String.format(Locale.ROOT, "Records the ingest API published (sampled %,d from the topic): "
                                + "mean value %.1f bytes (the serialized AgentEvent), mean key %.1f bytes (the agent id).",
                        topicSizes.records(), topicSizes.meanValueBytes(), topicSizes.meanKeyBytes()))
                .heading("Machine")
                .bullets(Machine.facts())
                .heading("Command")
                .code(Machine.commandLine())
                .paragraph("The same through the launcher, with the stack's environment: `./kyoyu bench ingest`"
                        + (Machine.arguments().isEmpty() ? "" : " `" + String.join(" ", Machine.arguments()) + "`") + ".")
                .paragraph("Baseline commands (child processes, same JVM and heap):")
                .code(baselines.stream().map(b -> "java -Xmx" + env.serviceHeap() + " -cp bench/target/bench.jar:bench/target/lib/* "
                        + "org.apache.kafka.tools.ProducerPerformance " + String.join(" ", b.arguments())).collect(Collectors.joining("\n")));
        Charts.bars(report.pngFile(), "Ingest API events/s vs Kafka ProducerPerformance (" + Runtime.getRuntime().availableProcessors()
                        + " cores, " + options.clients() + " clients)", "events (records) per second",
                chartCategories(), chartValues(), BAR + " × raw producer", BAR * raw.recordsPerSecond());
        report.write();
        System.out.println();
        System.out.println("written: " + report.markdownFile() + " and " + report.pngFile().getFileName());
    }

    private String verdict(ProducerBaseline.Result raw) {
        StringBuilder out = new StringBuilder();
        for (ModeRun m : modes) {
            m.phases().stream().filter(p -> p.batchSize() == 100).findFirst().ifPresent(p -> out.append(String.format(Locale.ROOT,
                    "**Batch 100, rate limits %s: %,.0f events/s = %.2f × the raw producer's %,.0f records/s (bar ≥ %.1f: %s).** ",
                    m.mode(), p.eventsPerSecond(), p.eventsPerSecond() / raw.recordsPerSecond(), raw.recordsPerSecond(), BAR,
                    p.eventsPerSecond() / raw.recordsPerSecond() >= BAR ? "met" : "NOT met")));
        }
        long peak = modes.stream().mapToLong(ModeRun::peakRssKib).max().orElse(0);
        out.append(String.format(Locale.ROOT, "ingest-api peak RSS %s MiB with -Xmx%s (limit 512 MiB: %s). ", Table.mib(peak),
                env.serviceHeap(), peak < RSS_LIMIT_KIB ? "kept" : "EXCEEDED"));
        long errors = allPhases().stream().mapToLong(HttpLoad.PhaseResult::errorCount).sum();
        out.append(errors == 0 ? "No errors." : errors + " failed requests (see the errors column).");
        out.append(String.format(Locale.ROOT, " %d concurrent clients; after SIGTERM ingest-api exited with code %s.",
                options.clients(), modes.stream().map(m -> Integer.toString(m.exitCode())).distinct().collect(Collectors.joining(", "))));
        return out.toString();
    }

    /** Per mode and batch size: the ratio to the raw producer, against the mode "off" when it ran, and peak RSS. */
    private Table rateModeTable(ProducerBaseline.Result raw) {
        Table table = new Table("rate limits", "batch size", "events/s", "÷ raw producer", "÷ off", "events per ingest-api core-second",
                "p99 ms", "peak RSS MiB (whole run)");
        Map<Integer, Double> off = new LinkedHashMap<>();
        modes.stream().filter(m -> m.mode().equals("off")).findFirst()
                .ifPresent(m -> m.phases().forEach(p -> off.put(p.batchSize(), p.eventsPerSecond())));
        for (ModeRun m : modes) {
            for (HttpLoad.PhaseResult p : m.phases()) {
                Double reference = off.get(p.batchSize());
                table.row(m.mode(), String.format("%,d", p.batchSize()), p.eventsPerSecond(), ratio(p.eventsPerSecond() / raw.recordsPerSecond()),
                        reference == null ? "–" : ratio(p.eventsPerSecond() / reference), perCore(p), ms(p.latencyNanos().at(99)),
                        Table.mib(m.peakRssKib()));
            }
        }
        return table;
    }

    /** On a shared machine the cores ingest-api got vary between windows; events per core it used compare better. */
    private static String perCore(HttpLoad.PhaseResult p) {
        Double cores = p.cores().get("ingest-api");
        return cores == null || cores <= 0 ? "–" : String.format(Locale.ROOT, "%,.0f", p.eventsPerSecond() / cores);
    }

    private List<HttpLoad.PhaseResult> allPhases() {
        return modes.stream().flatMap(m -> m.phases().stream()).toList();
    }

    private Table cpuTable() {
        List<String> names = new ArrayList<>();
        allPhases().forEach(p -> p.cores().keySet().forEach(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        }));
        baselines.forEach(b -> b.cores().keySet().forEach(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        }));
        names.remove(CpuMeter.OTHER);
        names.remove(CpuMeter.MACHINE);
        names.add(CpuMeter.OTHER);
        names.add(CpuMeter.MACHINE);
        List<String> header = new ArrayList<>(List.of("phase"));
        header.addAll(names);
        Table table = new Table(header.toArray(String[]::new));
        modes.forEach(m -> m.phases().forEach(p -> table.row(cpuRow(String.format("%s, batch %,d", m.mode(), p.batchSize()), names, p.cores()))));
        baselines.forEach(b -> table.row(cpuRow(b.label(), names, b.cores())));
        return table;
    }

    private static Object[] cpuRow(String label, List<String> names, Map<String, Double> cores) {
        List<Object> row = new ArrayList<>(List.of(label));
        names.forEach(n -> row.add(cores.containsKey(n) ? String.format(Locale.ROOT, "%.2f", cores.get(n)) : "–"));
        return row.toArray();
    }

    private List<String> loadFacts(Path workDir) {
        return List.of(
                options.clients() + " concurrent clients (virtual threads, each on its own keep-alive HTTP/1.1 connection with a "
                        + "minimal blocking-socket client and bodies built before the load, so the client takes little CPU), each its own agent "
                        + "with its own token and run, closed loop: the next request goes as soon as the previous one is answered",
                "per batch size: " + options.rampUp().toSeconds() + " s ramp-up, then a " + options.measure().toSeconds()
                        + " s measurement window (only requests completing inside it count); " + options.warmup().toSeconds()
                        + " s warm-up at batch 100 before the first phase",
                String.format(Locale.ROOT, "machine busy before the run started: %.2f cores (other work on the box; "
                        + "\"everything else\" in the CPU table shows it during each window)", idleMachineBusy),
                "error = any answer but 202 with every event accepted, or no answer",
                "ingest-api: its own process (`java -Xmx" + env.serviceHeap() + extraFlags(options.serviceJvmArgs()) + " -cp ingest-api/target/ingest-api.jar:"
                        + "ingest-api/target/lib/*`), its defaults, on its own topic `" + topic + "` (" + partitions + " partitions, "
                        + "as many as kyoyu.events.v1); peak RSS = VmHWM, reset at each window's start; startup and whole-life peaks: "
                        + modes.stream().map(m -> m.mode() + " " + Table.mib(m.startupPeakRssKib()) + " / " + Table.mib(m.lifetimePeakRssKib())
                                + " MiB").collect(Collectors.joining(", ")),
                "topics used (deleted afterwards unless --keep): " + String.join(", ", topics),
                "child logs: " + workDir);
    }

    static String extraFlags(List<String> flags) {
        return flags.isEmpty() ? "" : " " + String.join(" ", flags);
    }

    private List<String> chartCategories() {
        List<String> categories = new ArrayList<>();
        modes.forEach(m -> m.phases().forEach(p -> categories.add(String.format("ingest %s, batch %,d", m.mode(), p.batchSize()))));
        baselines.forEach(b -> categories.add(b.label()));
        return categories;
    }

    private List<Double> chartValues() {
        List<Double> values = new ArrayList<>();
        allPhases().forEach(p -> values.add(p.eventsPerSecond()));
        baselines.forEach(b -> values.add(b.recordsPerSecond()));
        return values;
    }

    private static String errors(HttpLoad.PhaseResult p) {
        if (p.errors().isEmpty()) {
            return "0";
        }
        return p.errorCount() + " (" + p.errors().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
