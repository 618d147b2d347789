package dev.kyoyu.bench.e2e;

import dev.kyoyu.bench.query.Backlog;
import dev.kyoyu.bench.query.QueryStack;
import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.CpuMeter;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;

/**
 * Runs the scenario's phases one second at a time: sets the driver's rate, samples delivered rate, lag, p95 and RSS
 * each second, and closes each phase with its own CPU window. Stress adds steps until one fails; spike measures how
 * long the lag takes to drain once the spike ends.
 */
final class ScenarioRunner {
    static final String WARM_UP = "warm-up";
    private static final long WARM_UP_SECONDS = 15;
    private final E2eOptions options;
    private final QueryStack stack;
    private final E2eDriver driver;
    private final Visibility visibility;
    private final Backlog backlog;
    private final CpuMeter cpu;
    private final E2eResults results;
    private final long start = System.nanoTime();
    private long lastAcked;
    private int eventSamplesSeen;
    private ProgressBar bar;

    ScenarioRunner(E2eOptions options, QueryStack stack, E2eDriver driver, Visibility visibility, Backlog backlog, CpuMeter cpu,
                   E2eResults results) {
        this.options = options;
        this.stack = stack;
        this.driver = driver;
        this.visibility = visibility;
        this.backlog = backlog;
        this.cpu = cpu;
        this.results = results;
    }

    void run() throws InterruptedException {
        lastAcked = driver.acknowledged.get();
        List<E2eOptions.Phase> plan = options.plan();
        long total = options.scenario().equals("stress")
                ? (long) options.maxSteps() * options.stepSeconds().toSeconds() * (options.rates().getFirst() + options.maxRate()) / 2
                : plan.stream().mapToLong(p -> p.rate() * p.seconds()).sum();
        total += options.scenario().equals("smoke") ? 0 : options.rates().getFirst() * WARM_UP_SECONDS;
        try (ProgressBar progress = Progress.bar(options.scenario(), total, "ev")) {
            bar = progress;
            if (!options.scenario().equals("smoke")) {
                // Cold JVMs compile the ingest and sink paths in their first seconds: not part of any verdict.
                phase(new E2eOptions.Phase(WARM_UP, options.rates().getFirst(), WARM_UP_SECONDS));
            }
            if (options.scenario().equals("stress")) {
                ramp();
            } else {
                for (E2eOptions.Phase phase : plan) {
                    E2eResults.PhaseResult result = phase(phase);
                    if (phase.name().startsWith("spike")) {
                        results.spikeEndSecond = result.endSecond();
                    }
                }
            }
        }
        driver.rate(0);
        if (options.scenario().equals("spike")) {
            results.spikeDrainSeconds = drainAfterSpike();
        }
    }

    /**
     * Steps up by --step until a step has errors, delivers under 95 % of its target or lets the lag grow: the issue's
     * "sustained" is zero errors and no growing lag. The latency budget is judged per step but does not end the ramp,
     * so the report gives both the highest sustained rate and the highest rate within the budget.
     */
    private void ramp() throws InterruptedException {
        long rate = options.rates().getFirst();
        for (int step = 1; step <= options.maxSteps() && rate <= options.maxRate(); step++, rate += options.stepRate()) {
            E2eResults.PhaseResult r = phase(new E2eOptions.Phase("step " + step + ": " + rate + "/s", rate, options.stepSeconds().toSeconds()));
            String failure = stressFailure(r);
            boolean withinBudget = r.eventLatency().count() > 0 && r.eventLatency().at(95) / 1e6 <= options.latencyBudgetMs();
            results.stepVerdicts.add(r.name() + ": " + (failure == null ? "held" : failure)
                    + (withinBudget ? "" : String.format(", p95 %,.0f ms over the %,d ms budget", r.eventLatency().at(95) / 1e6,
                    options.latencyBudgetMs())));
            if (failure != null) {
                results.stressStop = r.name() + ": " + failure;
                return;
            }
            results.sustainedRate = Math.max(results.sustainedRate, r.deliveredPerSecond());
            if (withinBudget) {
                results.withinBudgetRate = Math.max(results.withinBudgetRate, r.deliveredPerSecond());
            }
        }
        results.stressStop = "reached --max-rate without a failing step";
    }

    /**
     * Growing lag: over the step the fitted lag rises by more than one second of the target rate, and the last third
     * of the step averages above one second of it (a sink that falls behind, not one pause it makes up for).
     */
    private String stressFailure(E2eResults.PhaseResult r) {
        if (r.errors() > 0) {
            return r.errors() + " errors";
        }
        if (r.deliveredPerSecond() < 0.95 * r.target()) {
            return String.format("delivered %,.0f/s, under 95 %% of the target", r.deliveredPerSecond());
        }
        if (r.lagGrowth() > r.target() && r.lagTailMean() > r.target()) {
            return String.format("lag grew by %,.0f events over the step (last third averaging %,.0f)", r.lagGrowth(), r.lagTailMean());
        }
        return null;
    }

    private E2eResults.PhaseResult phase(E2eOptions.Phase phase) throws InterruptedException {
        driver.rate(phase.rate());
        long errorsBefore = driver.errorCount();
        long ackedBefore = driver.acknowledged.get();
        long lagStart = lag();
        long lagMax = lagStart;
        long phaseStart = System.nanoTime();
        int eventsBefore = visibility.events().size();
        int decisionsBefore = visibility.decisions().size();
        CpuMeter.Window window = cpu.start();
        double[] x = new double[(int) phase.seconds()];
        double[] lags = new double[x.length];
        for (int s = 1; s <= phase.seconds(); s++) {
            sleepUntil(phaseStart + s * 1_000_000_000L);
            stack.requireAlive();
            window.sample();
            E2eResults.Second second = second(phase);
            x[s - 1] = second.atSeconds();
            lags[s - 1] = second.lag();
            lagMax = Math.max(lagMax, second.lag());
        }
        double lagGrowth = x.length < 2 ? 0 : Slope.fit(x, lags).perSecond() * (x[x.length - 1] - x[0]);
        int tail = Math.max(1, x.length / 3);
        double lagTailMean = Slope.fit(java.util.Arrays.copyOfRange(x, x.length - tail, x.length),
                java.util.Arrays.copyOfRange(lags, x.length - tail, x.length)).mean();
        double seconds = (System.nanoTime() - phaseStart) / 1e9;
        Map<String, Double> cores = window.stop();
        List<Visibility.Sample> events = visibility.events();
        List<Visibility.Sample> decisions = visibility.decisions();
        long lagEnd = lag();
        E2eResults.PhaseResult result = new E2eResults.PhaseResult(phase.name(), phase.rate(), seconds,
                (driver.acknowledged.get() - ackedBefore) / seconds, driver.errorCount() - errorsBefore,
                latencies(events.subList(eventsBefore, events.size())), latencies(decisions.subList(decisionsBefore, decisions.size())),
                lagStart, lagEnd, Math.max(lagMax, lagEnd), lagGrowth, lagTailMean, cores, (System.nanoTime() - start) / 1e9);
        results.phases.add(result);
        return result;
    }

    private E2eResults.Second second(E2eOptions.Phase phase) {
        long acked = driver.acknowledged.get();
        List<Visibility.Sample> events = visibility.events();
        List<Visibility.Sample> fresh = events.subList(Math.min(eventSamplesSeen, events.size()), events.size());
        eventSamplesSeen = events.size();
        Percentiles p = latencies(fresh);
        E2eResults.Second second = new E2eResults.Second((System.nanoTime() - start) / 1e9, phase.rate(), acked - lastAcked,
                driver.errorCount(), lag(), p.count() == 0 ? Double.NaN : p.at(95) / 1e6, E2eBench.rssNow(stack));
        lastAcked = acked;
        results.seconds.add(second);
        bar.stepBy(second.delivered());
        bar.setExtraMessage(String.format(" %s lag %,d p95 %.0f ms err %d", phase.name(), second.lag(), second.p95Ms(), second.errors()));
        return second;
    }

    /** Seconds from the end of the spike until the lag is back under one second of the base rate (bounded by the drain limit). */
    private double drainAfterSpike() throws InterruptedException {
        double threshold = options.rates().getFirst();
        for (E2eResults.Second s : results.seconds) {
            if (s.atSeconds() > results.spikeEndSecond && s.lag() <= threshold) {
                return s.atSeconds() - results.spikeEndSecond;
            }
        }
        long deadline = System.nanoTime() + 300_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (lag() <= threshold) {
                return (System.nanoTime() - start) / 1e9 - results.spikeEndSecond;
            }
            Thread.sleep(200);
        }
        return Double.NaN;
    }

    private long lag() {
        try {
            // End offsets are read before the stored count: a batch stored in between reads as a negative lag.
            return Math.max(0, backlog.eventLag());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    static Percentiles latencies(List<Visibility.Sample> samples) {
        return new Percentiles(samples.stream().mapToLong(Visibility.Sample::latencyNanos).toArray());
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }
}
