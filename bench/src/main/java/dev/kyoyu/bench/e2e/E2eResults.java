package dev.kyoyu.bench.e2e;

import dev.kyoyu.bench.ingest.ProducerBaseline;
import dev.kyoyu.bench.report.Charts;
import dev.kyoyu.bench.report.Machine;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Report;
import dev.kyoyu.bench.report.Table;
import dev.kyoyu.bench.sink.RawCopy;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What one e2e run measured, and its report: markdown, a timeline PNG and a latency histogram PNG. */
public final class E2eResults {
    private static final double[] BUCKETS_MS = {25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10_000, 60_000};

    /** One second of the run: target and delivered events, errors so far, lag, p95 of the probes completed, RSS (MiB). */
    record Second(double atSeconds, long target, long delivered, long errors, long lag, double p95Ms, Map<String, Double> rssMib) {
    }

    record PhaseResult(String name, long target, double seconds, double deliveredPerSecond, long errors, Percentiles eventLatency,
                       Percentiles decisionLatency, long lagStart, long lagEnd, long lagMax, double lagGrowth, double lagTailMean,
                       Map<String, Double> cores,
                       double endSecond) {
    }

    /** Events the driver sent, got a 201/202 for, and found stored (all rows, distinct ids); the sink's stored offsets. */
    public record Counts(long sent, long acknowledged, long stored, long storedDistinct, Map<String, Long> errors, long sinkOffsets) {
        public long lost() {
            return Math.max(0, acknowledged - storedDistinct);
        }

        public long duplicated() {
            return stored - storedDistinct;
        }
    }

    private final E2eOptions options;
    final List<Second> seconds = new ArrayList<>();
    final List<PhaseResult> phases = new ArrayList<>();
    final List<String> stepVerdicts = new ArrayList<>();
    double idleMachineBusy;
    String pgVersion;
    int partitions;
    double meanEventBytes;
    double sustainedRate;
    double withinBudgetRate;
    String stressStop;
    double spikeEndSecond;
    double spikeDrainSeconds = Double.NaN;
    double finalDrainSeconds;
    long lagAtStop;
    Counts counts;
    Percentiles eventLatency;
    Percentiles decisionLatency;
    long eventTimeouts;
    long probesSkipped;
    int decisionsUnseen;
    Map<String, Long> peakRss = Map.of();
    Map<String, String> firstErrorAnswers = Map.of();
    ProducerBaseline.Result baseline;
    RawCopy.Result rawCopy;
    private Path markdown;

    E2eResults(E2eOptions options) {
        this.options = options;
    }

    public Counts counts() {
        return counts;
    }

    public int eventLatencySamples() {
        return eventLatency == null ? 0 : eventLatency.count();
    }

    public Path markdownFile() {
        return markdown;
    }

    int exitCode() {
        return counts != null && counts.lost() == 0 && counts.duplicated() == 0 ? 0 : 1;
    }

    void write() throws IOException {
        Report report = new Report(options.outDir(), "e2e-" + options.scenario());
        markdown = report.markdownFile();
        report.heading("End to end, " + options.scenario() + " scenario (" + Report.now() + ")");
        report.paragraph("The whole stack as `./kyoyu up` runs it (ingest-api, sink-worker also storing decisions, decision-stream, "
                + "embedder, query-api; each a child process with the launcher's heap), on topics and a database of its own, driven "
                + "over HTTP by " + options.agents() + " agents (" + options.runsPerAgent() + " open runs each, batches of "
                + options.batch() + " events from the seeded event mix, " + options.decisionsPerSecond() + " decisions/s with "
                + "alternatives and evidence through POST /v1/trace). Accepted-to-queryable latency: " + options.probesPerSecond()
                + " batches/s go to a fresh run and are polled through query-api (GET /v1/runs/{id}, every 20 ms) from the 202 "
                + "until their last event is returned; decisions are timed from the 202 to their arrival on an SSE subscription.");
        report.code(command());
        List<String> facts = new ArrayList<>(Machine.facts());
        facts.add(pgVersion);
        facts.add(String.format(Locale.ROOT, "machine busy before the run: %.2f cores (the machine is shared with other sessions' "
                + "builds and tests; the \"everything else\" column says how much per phase)", idleMachineBusy));
        facts.add("settings: " + options.rates() + " events/s, " + options.duration().toSeconds() + " s, " + partitions
                + " partitions, mean event " + Math.round(meanEventBytes) + " bytes, max " + options.maxInFlight() + " requests in flight, seed " + options.seed());
        report.bullets(facts);

        report.heading("Headline");
        report.table(headline());
        report.heading("Phases");
        Table phaseTable = new Table("phase", "target ev/s", "delivered ev/s", "errors", "probes", "p50 ms", "p95 ms", "p99 ms", "max ms",
                "decisions p95 ms (SSE)", "lag start", "lag end", "lag max");
        for (PhaseResult p : phases) {
            phaseTable.row(p.name(), (double) p.target(), p.deliveredPerSecond(), p.errors(), p.eventLatency().count(),
                    ms(p.eventLatency(), 50), ms(p.eventLatency(), 95), ms(p.eventLatency(), 99), p.eventLatency().max() / 1e6,
                    ms(p.decisionLatency(), 95), p.lagStart(), p.lagEnd(), p.lagMax());
        }
        report.table(phaseTable);
        if (!stepVerdicts.isEmpty()) {
            report.paragraph("Ramp verdicts, step by step (a step fails on errors, delivering under 95 % of its target, or lag that "
                    + "grows by more than one second of events over the step while its last third averages above that):");
            report.bullets(stepVerdicts);
            report.paragraph("Stopped: " + stressStop + ".");
        }
        report.heading("Cores per component (average over each phase)");
        report.table(coresTable());
        report.heading("Peak resident memory (VmHWM)");
        Table rss = new Table("service", "peak RSS MiB");
        peakRss.forEach((name, kib) -> rss.row(name, Table.mib(kib)));
        report.table(rss);
        report.heading("Sent, acknowledged, stored");
        report.table(new Table("sent", "acknowledged (201/202)", "stored rows", "stored distinct", "sink offsets", "lost", "duplicated", "errors")
                .row(counts.sent(), counts.acknowledged(), counts.stored(), counts.storedDistinct(), counts.sinkOffsets(), counts.lost(),
                        counts.duplicated(), counts.errors().isEmpty() ? "none" : counts.errors().toString()));
        report.paragraph(String.format(Locale.ROOT, "Sent counts every event of every request the driver issued, including those it "
                + "refused to send because %,d were in flight already; lost = acknowledged − stored distinct ids. Lag at stop %,d events, "
                + "drained in %.1f s. Probes that never became readable within 60 s: %d; probes not followed because 64 were followed "
                + "already: %d; decisions accepted but not seen on the subscription: %d. Stored but never acknowledged: %,d (a 503 "
                + "\"the event log did not take the events in time\" whose events reached the log after ingest-api gave up; the "
                + "answer asks for a retry, which an Idempotency-Key makes safe).", options.maxInFlight(), lagAtStop,
                finalDrainSeconds, eventTimeouts, probesSkipped, decisionsUnseen, Math.max(0, counts.storedDistinct() - counts.acknowledged())));
        if (!firstErrorAnswers.isEmpty()) {
            List<String> answers = new ArrayList<>();
            firstErrorAnswers.forEach((kind, answer) -> answers.add(kind + ": `" + answer.replace("`", "'") + "`"));
            report.paragraph("First answer of each kind of error:");
            report.bullets(answers);
        }
        if (options.scenario().equals("soak")) {
            report.heading("Soak: slopes over the last two thirds");
            report.table(soakTable());
        }
        if (baseline != null) {
            report.heading("Baseline, same run");
            report.paragraph(String.format(Locale.ROOT, "%s: %,.0f records/s (%s). %s %,.0f events/s = **%.3f** × it.",
                    baseline.label(), baseline.recordsPerSecond(), baseline.settings(), rateLabel(), bestRate(),
                    bestRate() / baseline.recordsPerSecond()));
        }
        if (rawCopy != null) {
            report.paragraph(String.format(Locale.ROOT, "raw COPY: %,d of the rows this run stored, exported as the binary COPY "
                            + "the sink writes and COPYed back in one session into a fresh database of the same schema (every index): "
                            + "%,.0f rows/s in %.1f s (PostgreSQL %.2f cores). %s %,.0f events/s = **%.3f** × it.",
                    rawCopy.rows(), rawCopy.rowsPerSecond(), rawCopy.seconds(), rawCopy.cores().getOrDefault("postgresql", Double.NaN),
                    rateLabel(), bestRate(), bestRate() / rawCopy.rowsPerSecond()));
        }
        report.heading("Charts");
        report.chart("delivered rate, p95 and lag over time");
        Path histogram = report.pngFile().resolveSibling(report.pngFile().getFileName().toString().replace(".png", "-latency.png"));
        report.paragraph("![accepted-to-queryable latency histogram](" + histogram.getFileName() + ")");
        report.paragraph("Logs of the services: in the scratch directory printed at the start (deleted with /tmp).");
        timeline(report.pngFile());
        histogram(histogram);
        report.write();
        System.out.println(headline().markdown());
        System.out.println("report: " + report.markdownFile());
    }

    /** The command that repeats this run: the scenario as the subcommand, then the options given. */
    private String command() {
        List<String> args = Machine.arguments().stream().filter(a -> !a.startsWith("--scenario")).toList();
        return ("./kyoyu bench " + options.scenario() + " " + String.join(" ", args)).strip();
    }

    private Table headline() {
        Table t = new Table("measure", "value", "bar (issue 15)");
        if (options.scenario().equals("stress")) {
            t.row("highest sustained rate, zero errors, no growing lag", String.format(Locale.ROOT, "%,.0f events/s", sustainedRate), "≥ 25,000 events/s");
            t.row("highest rate with accepted-to-queryable p95 within " + options.latencyBudgetMs() + " ms",
                    String.format(Locale.ROOT, "%,.0f events/s", withinBudgetRate), "");
        }
        for (PhaseResult p : phases) {
            if (!options.scenario().equals("stress") && !p.name().equals(ScenarioRunner.WARM_UP)) {
                t.row("accepted-to-queryable p95 at " + p.name(), String.format(Locale.ROOT, "%s ms (p50 %s, p99 %s, max %s; %d probes)",
                        Table.number(ms(p.eventLatency(), 95)), Table.number(ms(p.eventLatency(), 50)), Table.number(ms(p.eventLatency(), 99)),
                        Table.number(p.eventLatency().max() / 1e6), p.eventLatency().count()), p.target() == 10_000 ? "< 500 ms at 10,000/s" : "");
            }
        }
        if (!Double.isNaN(spikeDrainSeconds)) {
            t.row("lag drained after the spike", String.format(Locale.ROOT, "%.1f s", spikeDrainSeconds), "nothing lost");
        }
        t.row("lost / duplicated", counts.lost() + " / " + counts.duplicated(), "0 / 0");
        if (baseline != null) {
            t.row(rateLabel() + " / ProducerPerformance (same run)", String.format(Locale.ROOT, "%,.0f / %,.0f = %.3f", bestRate(),
                    baseline.recordsPerSecond(), bestRate() / baseline.recordsPerSecond()), "");
        }
        if (rawCopy != null) {
            t.row(rateLabel() + " / raw COPY of the stored rows (same run)", String.format(Locale.ROOT, "%,.0f / %,.0f = %.3f", bestRate(),
                    rawCopy.rowsPerSecond(), bestRate() / rawCopy.rowsPerSecond()), "");
        }
        return t;
    }

    /** Stress finds the most the stack sustains; the other scenarios only deliver the rate they were given. */
    private String rateLabel() {
        return options.scenario().equals("stress") ? "highest sustained end-to-end rate" : "highest delivered rate (a set rate, not a maximum)";
    }

    private double bestRate() {
        return options.scenario().equals("stress") ? sustainedRate
                : phases.stream().filter(p -> !p.name().equals(ScenarioRunner.WARM_UP)).mapToDouble(PhaseResult::deliveredPerSecond).max().orElse(0);
    }

    private Table coresTable() {
        List<String> names = new ArrayList<>();
        phases.forEach(p -> p.cores().keySet().forEach(n -> {
            if (!names.contains(n)) {
                names.add(n);
            }
        }));
        List<String> header = new ArrayList<>(List.of("phase"));
        header.addAll(names);
        Table t = new Table(header.toArray(String[]::new));
        for (PhaseResult p : phases) {
            List<Object> row = new ArrayList<>(List.of(p.name()));
            names.forEach(n -> row.add(p.cores().getOrDefault(n, 0.0)));
            t.row(row.toArray());
        }
        return t;
    }

    private Table soakTable() {
        List<Second> tail = seconds.subList(seconds.size() / 3, seconds.size());
        Table t = new Table("series", "mean", "slope per minute", "change over the window", "no upward trend?");
        Map<String, double[]> series = new LinkedHashMap<>();
        series.put("lag (events)", tail.stream().mapToDouble(Second::lag).toArray());
        series.put("p95 (ms)", tail.stream().mapToDouble(Second::p95Ms).toArray());
        for (String service : tail.isEmpty() ? List.<String>of() : new ArrayList<>(tail.getFirst().rssMib().keySet())) {
            series.put(service + " RSS (MiB)", tail.stream().mapToDouble(s -> s.rssMib().getOrDefault(service, Double.NaN)).toArray());
        }
        double[] x = tail.stream().mapToDouble(Second::atSeconds).toArray();
        double minutes = tail.isEmpty() ? 0 : (x[x.length - 1] - x[0]) / 60;
        series.forEach((name, y) -> {
            Slope.Fit fit = Slope.fit(x, y);
            double change = fit.perSecond() * 60 * minutes;
            // The issue asks for no upward trend: the fitted rise over the window is within 10 % of the mean (lag: one second of the rate).
            double tolerance = name.startsWith("lag") ? options.rates().getFirst() : 0.10 * Math.abs(fit.mean());
            t.row(name, fit.mean(), fit.perSecond() * 60, change, change <= tolerance ? "yes" : "**no**");
        });
        return t;
    }

    private void timeline(Path png) throws IOException {
        List<Double> x = seconds.stream().map(Second::atSeconds).toList();
        Map<String, List<Double>> rate = new LinkedHashMap<>();
        rate.put("target events/s", seconds.stream().map(s -> (double) s.target()).toList());
        rate.put("delivered events/s", seconds.stream().map(s -> (double) s.delivered()).toList());
        Map<String, List<Double>> p95 = Map.of("accepted-to-queryable p95 ms (probes completed that second)",
                seconds.stream().map(Second::p95Ms).toList());
        Map<String, List<Double>> lag = Map.of("sink lag, events", seconds.stream().map(s -> (double) s.lag()).toList());
        Map<String, List<Double>> rss = new LinkedHashMap<>();
        if (!seconds.isEmpty()) {
            seconds.getFirst().rssMib().keySet().forEach(service ->
                    rss.put(service, seconds.stream().map(s -> s.rssMib().getOrDefault(service, Double.NaN)).toList()));
        }
        Charts.timeline(png, "e2e " + options.scenario() + ": rate, p95 and lag over time", x, List.of(
                new Charts.Panel("events/s", rate), new Charts.Panel("p95 ms", p95), new Charts.Panel("lag (events)", lag),
                new Charts.Panel("RSS MiB", rss)));
    }

    private void histogram(Path png) throws IOException {
        List<String> labels = new ArrayList<>();
        double lower = 0;
        for (double upper : BUCKETS_MS) {
            labels.add(String.format(Locale.ROOT, "%.0f–%.0f ms", lower, upper));
            lower = upper;
        }
        Map<String, List<Double>> counts = new LinkedHashMap<>();
        counts.put("events (GET /v1/runs/{id})", bucket(eventLatency));
        counts.put("decisions (SSE)", bucket(decisionLatency));
        Charts.histogram(png, "accepted-to-queryable latency, whole run", "latency", labels, counts);
    }

    private static List<Double> bucket(Percentiles p) {
        double[] counts = new double[BUCKETS_MS.length];
        for (long nanos : p.values()) {
            int i = 0;
            while (i < BUCKETS_MS.length - 1 && nanos / 1e6 > BUCKETS_MS[i]) {
                i++;
            }
            counts[i]++;
        }
        List<Double> list = new ArrayList<>();
        for (double c : counts) {
            list.add(c);
        }
        return list;
    }

    private static double ms(Percentiles p, double percentile) {
        return p.count() == 0 ? Double.NaN : p.at(percentile) / 1e6;
    }
}
