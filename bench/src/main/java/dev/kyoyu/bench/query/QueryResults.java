package dev.kyoyu.bench.query;

import dev.kyoyu.bench.BenchEnv;
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
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Everything one query benchmark measured, and how it is written up: stdout, markdown and a PNG chart. */
final class QueryResults {
    /** The bars, all while ingesting: p95 in milliseconds per query type. */
    static final Map<QuerySpec.Type, Double> P95_BAR_MS = Map.of(
            QuerySpec.Type.STRUCTURED, 20.0, QuerySpec.Type.TEMPORAL, 20.0, QuerySpec.Type.VECTOR, 50.0);
    static final double RECALL_BAR = 0.95;
    /** 1.5 GB, read as 1.5 × 10^9 bytes (the stricter reading), in KiB as /proc reports it. */
    static final long RSS_BAR_KIB = 1_500_000_000L / 1024;
    private static final String API = "query-api";
    private static final String DIRECT = "direct JDBC";

    final QueryOptions options;
    final BenchEnv env;
    final Path work;
    double idleMachineBusy;
    String database;
    String pgVersion;
    DatasetBuilder.Build build;
    Backlog.Embedded reuseEmbedded;
    double reuseVacuumSeconds;
    DatasetStats stats;
    Map<String, Long> buildPeakRss = Map.of();
    Map<String, Long> peakRss = Map.of();
    Percentiles queryEmbedNanos;
    List<List<QuerySpec>> specs = List.of();
    final List<QueryLoad.Result> loads = new ArrayList<>();
    IngestLoad.Result ingest;
    RecallProbe.Result recall;
    List<String> topics = List.of();

    QueryResults(QueryOptions options, BenchEnv env, Path work) {
        this.options = options;
        this.env = env;
        this.work = work;
    }

    void write() throws IOException {
        String verdict = verdict();
        Table latency = latencyTable();
        System.out.println();
        System.out.println(verdict);
        System.out.println();
        System.out.print(latency.markdown());

        Report report = new Report(options.outDir(), "query");
        report.heading("Query benchmark, " + Report.now()).paragraph(verdict)
                .heading("Latency (client side, ms)").table(latency)
                .chart("p95 per query type and phase, query-api against the same SQL over JDBC")
                .heading("Latency by item of the mix (client side, ms)").table(shapeTable());
        if (ingest != null) {
            report.heading("The ingest load during the \"ingesting\" phase").table(ingestTable());
        }
        if (recall != null) {
            report.heading("Recall@10 (HNSW against exact search)").table(recallTable())
                    .paragraph(String.format(Locale.ROOT, "Exact search took %.1f ms a query on average. Plans: query-api's search "
                                    + "statement `%s`%s; forced through the index `%s`; exact `%s`.", recall.exactMeanMillis(), recall.apiPlan(),
                            recall.apiUsesIndex() ? "" : " (NOT the HNSW index: the planner finds sorting every row cheaper at this "
                                    + "table size, so /v1/search was exact and its recall says nothing about HNSW; the rows \"through "
                                    + "the HNSW index\" force the index)", recall.forcedPlan(), recall.exactPlan()));
        }
        report.heading("Peak resident memory (VmHWM)").table(memoryTable())
                .heading("Where the cores went (average cores busy during each measured run)").table(cpuTable())
                .heading("Dataset").table(datasetTable())
                .heading("Building it: where the cores went (average cores busy during each step)").table(buildCpuTable())
                .heading("Query mix").table(mixTable())
                .heading("Method").bullets(method())
                .heading("Machine").bullets(machine())
                .heading("Command").code(Machine.commandLine())
                .paragraph("The same through the launcher, with the stack's environment: `./kyoyu bench query`"
                        + (Machine.arguments().isEmpty() ? "" : " `" + String.join(" ", Machine.arguments()) + "`") + ".");
        chart(report.pngFile());
        report.write();
        System.out.println();
        System.out.println("written: " + report.markdownFile() + " and " + report.pngFile().getFileName());
        if (options.keep()) {
            System.out.println("kept database " + database + "; measure it again with --reuse=" + database);
        }
    }

    private String verdict() {
        List<String> parts = new ArrayList<>();
        for (QuerySpec.Type type : QuerySpec.Type.values()) {
            find(QueryOptions.INGESTING, type, API).ifPresentOrElse(r -> {
                double p95 = r.latencyNanos().at(95) / 1e6;
                double bar = P95_BAR_MS.get(type);
                parts.add(String.format(Locale.ROOT, "%s p95 while ingesting %.1f ms (bar < %.0f ms: %s%s)", type.label, p95, bar,
                        p95 < bar ? "met" : "NOT met", r.errorCount() > 0 ? ", " + r.errorCount() + " errors" : ""));
            }, () -> parts.add(type.label + " while ingesting: not measured in this run"));
        }
        if (recall != null) {
            double r = recall.rows().getFirst().mean();
            parts.add(String.format(Locale.ROOT, "recall@10 of /v1/search %.3f (bar ≥ %.2f: %s%s)", r, RECALL_BAR, r >= RECALL_BAR ? "met" : "NOT met",
                    recall.apiUsesIndex() ? "" : "; but the planner did not use the HNSW index at this size, see the recall section"));
        }
        for (String name : List.of("query-api", "embedder")) {
            long kib = peakRss.getOrDefault(name, -1L);
            parts.add(String.format(Locale.ROOT, "%s peak RSS %s MiB (bar < 1.5 GB: %s)", name, Table.mib(kib),
                    kib < 0 ? "not measured" : kib < RSS_BAR_KIB ? "met" : "NOT met"));
        }
        String scale = String.format(Locale.ROOT, "Dataset: %,d events, %,d decisions (%,d superseded by revisions), %,d agents.",
                stats.events(), stats.decisions(), stats.superseded(), stats.agents());
        return "**" + String.join("; ", parts) + ".** " + scale;
    }

    private java.util.Optional<QueryLoad.Result> find(String phase, QuerySpec.Type type, String path) {
        return loads.stream().filter(r -> r.phase().equals(phase) && r.type() == type && r.path().equals(path)).findFirst();
    }

    private Table latencyTable() {
        Table table = new Table("phase", "query", "path", "queries", "errors", "p50", "p95", "p99", "max", "queries/s",
                "mean rows", "p50 ÷ direct", "p95 ÷ direct");
        for (QueryLoad.Result r : loads) {
            Percentiles p = r.latencyNanos();
            QueryLoad.Result direct = r.path().equals(API) ? find(r.phase(), r.type(), DIRECT).orElse(null) : null;
            table.row(r.phase(), r.type().label, r.path(), String.format("%,d", r.queries()), errors(r.errors()),
                    ms(p.at(50)), ms(p.at(95)), ms(p.at(99)), ms(p.max()), String.format(Locale.ROOT, "%,.0f", r.perSecond()),
                    String.format(Locale.ROOT, "%.1f", r.meanRows()),
                    direct == null ? "–" : ratio(p.at(50), direct.latencyNanos().at(50)),
                    direct == null ? "–" : ratio(p.at(95), direct.latencyNanos().at(95)));
        }
        return table;
    }

    /** Which items of the mix make a type's p95: each item's own percentiles, over query-api and over JDBC. */
    private Table shapeTable() {
        Table table = new Table("phase", "query", "shape", "queries", "query-api p50", "query-api p95", "query-api p99",
                "direct JDBC p50", "direct JDBC p95");
        for (QueryLoad.Result r : loads) {
            if (!r.path().equals(API)) {
                continue;
            }
            QueryLoad.Result direct = find(r.phase(), r.type(), DIRECT).orElse(null);
            r.byShape().forEach((shape, p) -> {
                Percentiles d = direct == null ? null : direct.byShape().get(shape);
                table.row(r.phase(), r.type().label, shape, String.format("%,d", p.count()), ms(p.at(50)), ms(p.at(95)), ms(p.at(99)),
                        d == null ? "–" : ms(d.at(50)), d == null ? "–" : ms(d.at(95)));
            });
        }
        return table;
    }

    private Table ingestTable() {
        Table table = new Table("target events/s", "achieved events/s", "requests (batch)", "failed", "request p50 ms", "request p99 ms",
                "schedule max behind ms", "traces posted (failed)", "max sink lag (events)", "lag at stop", "sink caught up after");
        table.row(String.format("%,.0f", ingest.targetEventsPerSecond()), String.format(Locale.ROOT, "%,.0f", ingest.eventsPerSecond()),
                String.format("%,d (%d)", ingest.requestsScheduled(), ingest.batch()), errors(ingest.errors()),
                ms(ingest.latencyNanos().at(50)), ms(ingest.latencyNanos().at(99)),
                String.format(Locale.ROOT, "%.1f", ingest.maxBehindMillis()),
                String.format("%,d (%d)", ingest.tracesOk(), ingest.traceErrors()), String.format("%,d", ingest.maxLag()),
                String.format("%,d", ingest.lagAtStop()), String.format(Locale.ROOT, "%.1f s", ingest.drainSeconds()));
        return table;
    }

    private Table recallTable() {
        Table table = new Table("HNSW answer", "queries", "mean recall@10", "lowest", "queries below 1.0", "mean ms a query");
        for (RecallProbe.Row r : recall.rows()) {
            table.row(r.label(), r.queries(), String.format(Locale.ROOT, "%.3f", r.mean()), String.format(Locale.ROOT, "%.2f", r.min()),
                    r.imperfect(), String.format(Locale.ROOT, "%.1f", r.meanMillis()));
        }
        return table;
    }

    private Table memoryTable() {
        Table table = new Table("process", "peak RSS MiB after the dataset was in", "peak RSS MiB at the end", "bar");
        peakRss.forEach((name, kib) -> table.row(name, Table.mib(buildPeakRss.getOrDefault(name, -1L)), Table.mib(kib),
                name.equals("query-api") || name.equals("embedder") ? (kib >= 0 && kib < RSS_BAR_KIB ? "< 1.5 GB: met" : "< 1.5 GB: NOT met") : "–"));
        return table;
    }

    private Table cpuTable() {
        List<String> names = sourceNames(loads.stream().map(QueryLoad.Result::cores).toList());
        List<String> header = new ArrayList<>(List.of("phase", "query", "path"));
        header.addAll(names);
        header.add(CpuMeter.MACHINE + " (of " + Runtime.getRuntime().availableProcessors() + ")");
        Table table = new Table(header.toArray(String[]::new));
        for (QueryLoad.Result r : loads) {
            List<Object> row = new ArrayList<>(List.of(r.phase(), r.type().label, r.path()));
            table.row(cpuCells(row, names, r.cores()));
        }
        return table;
    }

    private Table buildCpuTable() {
        Map<String, Map<String, Double>> steps = build == null ? Map.of() : build.cores();
        List<String> names = sourceNames(List.copyOf(steps.values()));
        List<String> header = new ArrayList<>(List.of("step"));
        header.addAll(names);
        header.add(CpuMeter.MACHINE + " (of " + Runtime.getRuntime().availableProcessors() + ")");
        Table table = new Table(header.toArray(String[]::new));
        steps.forEach((step, cores) -> table.row(cpuCells(new ArrayList<>(List.of(step)), names, cores)));
        return table;
    }

    private static Object[] cpuCells(List<Object> row, List<String> names, Map<String, Double> cores) {
        names.forEach(n -> row.add(String.format(Locale.ROOT, "%.2f", cores.getOrDefault(n, Double.NaN))));
        row.add(String.format(Locale.ROOT, "%.2f", cores.getOrDefault(CpuMeter.MACHINE, Double.NaN)));
        return row.toArray();
    }

    /** Every CPU source that appears, "everything else" last and the machine total left out (it gets its own column). */
    private static List<String> sourceNames(List<Map<String, Double>> windows) {
        List<String> names = new ArrayList<>();
        windows.forEach(cores -> cores.keySet().forEach(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        }));
        names.remove(CpuMeter.MACHINE);
        names.remove(CpuMeter.OTHER);
        names.add(CpuMeter.OTHER);
        return names;
    }

    private Table datasetTable() {
        Table table = new Table("what", "value");
        table.row("database", database + (options.building() ? " (built by this run)" : " (reused: built by an earlier run)"));
        table.row("events (agent_events)", String.format("%,d", stats.events()));
        table.row("runs (agent_runs)", String.format("%,d", stats.runs()));
        table.row("decisions: rows / superseded / embedded", String.format("%,d / %,d / %,d", stats.decisions(), stats.superseded(),
                stats.embedded()));
        table.row("alternatives / evidence / conflicts", String.format("%,d / %,d / %,d", stats.alternatives(), stats.evidence(),
                stats.conflicts()));
        table.row("agents / decision types", stats.agents() + " / " + stats.decisionTypes());
        table.row("valid_from range", stats.validMin() + " … " + stats.validMax());
        table.row("transaction_time range", stats.knownMin() + " … " + stats.knownMax());
        stats.bytes().forEach((what, bytes) -> table.row("size: " + what, String.format("%,d MiB", bytes >> 20)));
        if (build != null) {
            table.row("POST /v1/trace", String.format(Locale.ROOT, "%,d decisions in %.1f s (%,.0f/s, %d clients)", build.traces(),
                    build.tracesSeconds(), build.traces() / build.tracesSeconds(), DatasetBuilder.POSTERS));
            table.row("revisions (DecisionRevised in review runs)", String.format(Locale.ROOT, "%,d in %.1f s", build.revisions(),
                    build.revisionsSeconds()));
            table.row("agents' runs (POST /v1/runs/{id}/events)", String.format(Locale.ROOT, "%,d events in %.1f s (%,.0f/s)",
                    build.fillerEvents(), build.fillerSeconds(), build.fillerEvents() / build.fillerSeconds()));
            table.row("events accepted by ingest-api in all", String.format("%,d", build.acceptedEvents()));
            build.requestNanos().forEach((endpoint, p) -> table.row(endpoint + " while building (" + DatasetBuilder.POSTERS + " clients)",
                    String.format(Locale.ROOT, "%,d requests, p50 %s ms, p99 %s ms", p.count(), ms(p.at(50)), ms(p.at(99)))));
            table.row("sink: stored everything", String.format(Locale.ROOT, "%.1f s after the last POST", build.sinkSeconds()));
            table.row("embedder: every decision embedded", String.format(Locale.ROOT,
                    "%.1f s after the sink was done; %,d vectors in %.0f s from the first to the last = %,.0f/s; %d unembeddable",
                    build.embedWaitSeconds(), build.embedded().rows(), build.embedded().seconds(), build.embedded().perSecond(),
                    build.embedded().failed()));
            table.row("VACUUM (ANALYZE) decisions, alternatives, evidence, conflicts", String.format(Locale.ROOT, "%.1f s", build.vacuumSeconds()));
        }
        if (reuseEmbedded != null) {
            table.row("embedder, before measuring the reused dataset", String.format("%,d decisions have vectors, %d unembeddable",
                    reuseEmbedded.rows(), reuseEmbedded.failed()));
            table.row("VACUUM (ANALYZE) decisions, alternatives, evidence, conflicts, before measuring",
                    String.format(Locale.ROOT, "%.1f s", reuseVacuumSeconds));
        }
        if (queryEmbedNanos != null) {
            table.row("one query text embedded in the bench JVM (same model class)", String.format(Locale.ROOT, "p50 %s ms, p95 %s ms",
                    ms(queryEmbedNanos.at(50)), ms(queryEmbedNanos.at(95))));
        }
        return table;
    }

    private Table mixTable() {
        Table table = new Table("query", "shape", "share", "body of the first one");
        for (List<QuerySpec> list : specs) {
            Map<String, List<QuerySpec>> byShape = new TreeMap<>(list.stream().collect(Collectors.groupingBy(QuerySpec::shape)));
            byShape.forEach((shape, of) -> table.row(of.getFirst().type().label, shape,
                    String.format(Locale.ROOT, "%.0f%%", 100.0 * of.size() / list.size()), "`" + of.getFirst().body() + "`"));
        }
        return table;
    }

    private List<String> method() {
        List<String> m = new ArrayList<>();
        m.add("Every service runs as its own child process exactly as `./kyoyu up` starts it (`java -Xmx" + env.serviceHeap()
                + " -cp <module>/target/<module>.jar:<module>/target/lib/*`), on the bench's own topics and database on the stack's "
                + "Kafka and PostgreSQL: ingest-api, sink-worker (KYOYU_SINK_DECISIONS=true, as deploy/local/env.sh sets it), "
                + "decision-stream, embedder (one, local model"
                + (options.embedderNice() == 0 ? "" : ", at nice " + options.embedderNice() + " as ./kyoyu starts it")
                + ") and query-api (KYOYU_SEARCH_EF_SEARCH=" + options.efSearch()
                + ", KYOYU_SEARCH_EXACT_MAX_ROWS=" + options.exactMaxRows()
                + (options.serviceJvmArgs().isEmpty() ? "" : ", extra JVM flags for query-api and the embedder: " + String.join(" ", options.serviceJvmArgs()))
                + "); every other setting at its default.");
        m.add("Dataset, through that pipeline: decisions from a seeded generator (seed " + options.seed() + "; fifteen decision types "
                + "owned by eight agent roles, outcomes with a dominant one, 2–4 sentences of type-specific reasoning with amounts, "
                + "names, scores and services, 2–4 alternatives, 1–3 pieces of evidence, valid_from spread over the " + options.days()
                + " days before the build) posted with POST /v1/trace by " + DatasetBuilder.POSTERS + " clients; " + options.revisePercent() + "% of them revised "
                + "afterwards by their agent with DecisionRevised events in review runs (the decision stream assembles them, the sink "
                + "closes the original), so as-of queries meet history; the remaining events as agents' runs of 50–350 tool calls, "
                + "results, observations, messages and reasoning steps (the ingest benchmark's event mix). Then the bench waits until "
                + "the sink has stored every event (its offsets in sink_offsets) and decision, and the embedder has embedded every "
                + "decision, and runs VACUUM (ANALYZE) on the decision tables, as autovacuum would after such a load.");
        m.add("Queries: " + String.format("%,d", options.queries()) + " per type, phase and path, drawn with the seed from the stored "
                + "data (agents, types, outcomes, valid-time and transaction-time ranges); the same list in both phases and on both "
                + "paths; " + options.clients() + " closed-loop clients; latency from sending the request to the last byte of the answer "
                + "(bodies serialized before, answers parsed after). Structured and temporal ask for 20 rows, search for 10. "
                + "A warm-up of " + Math.min(200, Math.max(20, options.queries() / 5)) + " queries per type and path runs first, not counted.");
        m.add("Baseline, same run: `direct JDBC` runs query-api's own statements (DecisionStatements) for the same query (page and "
                + "total in one statement, then alternatives and evidence when asked; for search "
                + "`set_config('hnsw.ef_search', " + options.efSearch() + ")` and `hnsw.iterative_scan = relaxed_order`, then the ORDER BY "
                + "on the HNSW index, or exact ranking within agents or under filters the planner expects to leave at most "
                + options.exactMaxRows() + " decisions), on one plain pgjdbc connection per client, no HTTP, no JSON, no pool. Vector queries get the "
                + "vector query-api would compute: the bench embeds each text beforehand with the same model class "
                + "(dev.kyoyu.embedder.provider.LocalMiniLmProvider), so that direct search excludes the embedding that query-api "
                + "does per request (its cost is in the dataset table).");
        m.add(String.format(Locale.ROOT, "Ingesting phase: %,d events/s as requests of %d events every %.1f ms to POST /v1/runs/{id}/events "
                        + "(20 agents, one run each), open loop: each request is sent at its scheduled instant on its own virtual thread "
                        + "whatever the earlier ones are doing; plus %d decisions/s through POST /v1/trace. It starts 30 s before the first "
                        + "measured query and stops after the last; the sink's lag (events on the topic not in sink_offsets) is sampled every second.",
                options.ingestRate(), options.ingestBatch(), new Pacer(options.ingestRate(), options.ingestBatch()).intervalMillis(),
                options.ingestTraces()));
        m.add("Recall@10: " + options.recallQueries() + " query texts not used in the latency runs; the HNSW top 10 is what /v1/search "
                + "returns (and the same statement over JDBC at several hnsw.ef_search values, made to go through the HNSW index with "
                + "enable_seqscan and enable_sort off), the exact top 10 the same statement "
                + "with enable_indexscan, enable_bitmapscan and enable_indexonlyscan off for its transaction (a sequential scan "
                + "computing every distance). A returned row as near as the exact 10th counts as found (ties). With a filter, both "
                + "sides carry the same decision_type condition.");
        m.add("Peak RSS: VmHWM from /proc of each child, which covers its whole life (the build, with the embedder embedding "
                + "every decision, and all the queries).");
        m.add(String.format(Locale.ROOT, "machine busy before the run started: %.2f cores (\"everything else\" in the CPU table shows other work "
                + "during each measurement)", idleMachineBusy));
        m.add("Topics (deleted afterwards unless --keep): " + String.join(", ", topics) + "; child logs in " + work);
        return m;
    }

    private List<String> machine() {
        List<String> facts = new ArrayList<>(Machine.facts());
        facts.add(pgVersion + " (shared_buffers and the rest as deploy/local/postgres.sh sets them), same machine");
        return facts;
    }

    private void chart(Path png) throws IOException {
        List<String> categories = new ArrayList<>();
        Map<String, List<Double>> bars = new LinkedHashMap<>();
        bars.put("query-api p95 (ms)", new ArrayList<>());
        bars.put("direct JDBC p95 (ms)", new ArrayList<>());
        List<Double> bar = new ArrayList<>();
        for (QueryLoad.Result r : loads) {
            if (r.path().equals(API)) {
                categories.add(r.type().label + ", " + r.phase());
                bars.get("query-api p95 (ms)").add(r.latencyNanos().at(95) / 1e6);
                bars.get("direct JDBC p95 (ms)").add(find(r.phase(), r.type(), DIRECT).map(d -> d.latencyNanos().at(95) / 1e6).orElse(0.0));
                bar.add(P95_BAR_MS.get(r.type()));
            }
        }
        if (categories.isEmpty()) {
            return;
        }
        Charts.grouped(png, String.format(Locale.ROOT, "Query p95 (%,d events, %,d decisions, %d clients, %d cores)", stats.events(),
                        stats.decisions(), options.clients(), Runtime.getRuntime().availableProcessors()), "milliseconds", categories, bars,
                Map.of("bar (p95 while ingesting)", bar));
    }

    private static String errors(Map<String, Long> errors) {
        return errors.isEmpty() ? "0" : errors.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, nanos >= 100_000_000L ? "%.0f" : "%.1f", nanos / 1e6);
    }

    private static String ratio(long a, long b) {
        return b <= 0 ? "–" : String.format(Locale.ROOT, "%.1f", (double) a / b);
    }
}
