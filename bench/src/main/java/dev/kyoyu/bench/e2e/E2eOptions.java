package dev.kyoyu.bench.e2e;

import dev.kyoyu.bench.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * @param scenario        smoke, load, stress, spike or soak
 * @param rates           load: one steady phase per rate; the other scenarios take the first as their base rate
 * @param duration        each steady phase (load, smoke, soak) or the whole spike (a third at the base, a third at
 *                        {@code spikeFactor} times it, a third back at the base)
 * @param batch           events per POST /v1/runs/{id}/events
 * @param agents          agents posting, each with {@code runsPerAgent} open runs the batches rotate over
 * @param decisionsPerSecond decisions posted with POST /v1/trace besides the batches (3 events each)
 * @param probesPerSecond batches posted to a fresh run and then polled through query-api until readable
 * @param stepRate        stress: the rate added per step; {@code stepSeconds} each; up to {@code maxRate}
 * @param latencyBudgetMs stress: a step whose accepted-to-queryable p95 is above this ends the ramp
 * @param baseline        measure Kafka's ProducerPerformance in the same run, at the mean event size
 */
public record E2eOptions(String scenario, List<Integer> rates, Duration duration, int batch, int agents, int runsPerAgent,
                         int decisionsPerSecond, int probesPerSecond, int stepRate, Duration stepSeconds, int maxRate,
                         int latencyBudgetMs, int spikeFactor, int maxInFlight, boolean baseline, long seed, Path outDir,
                         boolean keep) {

    public static final List<String> SCENARIOS = List.of("smoke", "load", "stress", "spike", "soak");

    static final String USAGE = """
            BenchMain e2e --scenario=smoke|load|stress|spike|soak [options]   (also ./kyoyu bench smoke|load|stress|spike|soak)
                                         the whole stack (ingest-api, sink-worker, decision-stream, embedder, query-api)
                                         driven over HTTP by many agents; accepted-to-queryable latency, lag, cores, RSS;
                                         sent = acknowledged = stored checked at the end; baselines: ProducerPerformance, raw COPY
              --scenario=load        smoke (500/s, 10 s), load (steady --rate), stress (ramp until errors or growing lag,
                                     p95 judged per step against the budget), spike (×--spike-factor and back), soak (10 min steady)
              --rate=10000           events/s; load: a comma list runs one phase per rate (e.g. 2000,10000)
              --duration=60          seconds per steady phase (smoke 10, soak 10m, spike 90 in all)
              --batch=100            events per request
              --agents=64            agents, each with --runs-per-agent open runs
              --runs-per-agent=4
              --decisions=20         decisions/s through POST /v1/trace (followed on an SSE subscription)
              --probes=5             batches/s sent to a fresh run and polled through query-api until readable
              --step=5000            stress: rate added per step
              --step-seconds=20      stress: seconds per step
              --max-rate=60000       stress: the ramp's ceiling
              --latency-budget=500   stress: p95 (ms) above which a step fails
              --spike-factor=4       spike: the spike's multiple of --rate
              --max-in-flight=2000   requests outstanding at most; one more is counted as an error (server too slow)
              --baseline / --baseline=false  ProducerPerformance at the mean event size and a raw COPY of up to
                                     1M stored rows into a fresh database, same run (default: on but smoke)
              --seed=42
              --out=DIR              where the .md and .png go (default docs/benchmarks of the checkout)
              --keep                 keep the bench topics and database""";

    static E2eOptions parse(List<String> args, Path repo) {
        Options o = new Options(args);
        String scenario = o.string("scenario", "load");
        if (!SCENARIOS.contains(scenario)) {
            o.problem("--scenario=" + scenario + " is not one of " + String.join(", ", SCENARIOS));
        }
        boolean smoke = scenario.equals("smoke");
        int defaultRate = smoke ? 500 : scenario.equals("stress") ? 5000 : scenario.equals("load") ? 10_000 : 5000;
        Duration defaultDuration = switch (scenario) {
            case "smoke" -> Duration.ofSeconds(10);
            case "soak" -> Duration.ofMinutes(10);
            case "spike" -> Duration.ofSeconds(90);
            default -> Duration.ofSeconds(60);
        };
        String baselineFlag = o.string("baseline", smoke ? "false" : "true");
        if (!baselineFlag.equals("true") && !baselineFlag.equals("false")) {
            o.problem("--baseline takes true or false; got '" + baselineFlag + "'");
        }
        E2eOptions options = new E2eOptions(scenario,
                o.integers("rate", List.of(defaultRate), 10, 1_000_000),
                o.seconds("duration", defaultDuration),
                o.integer("batch", 100, 1, 5000),
                o.integer("agents", smoke ? 8 : 64, 1, 10_000),
                o.integer("runs-per-agent", 4, 1, 100),
                o.integer("decisions", smoke ? 5 : 20, 0, 10_000),
                o.integer("probes", 5, 1, 200),
                o.integer("step", 5000, 100, 1_000_000),
                o.seconds("step-seconds", Duration.ofSeconds(20)),
                o.integer("max-rate", 60_000, 100, 10_000_000),
                o.integer("latency-budget", 500, 1, 600_000),
                o.integer("spike-factor", 4, 2, 100),
                o.integer("max-in-flight", 2000, 1, 100_000),
                baselineFlag.equals("true"),
                o.number("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE),
                Path.of(o.string("out", repo.resolve("docs").resolve("benchmarks").toString())),
                o.flag("keep"));
        if (options.duration().toSeconds() < 3) {
            o.problem("--duration must be at least 3 seconds");
        }
        if (options.stepSeconds().toSeconds() < 5) {
            o.problem("--step-seconds must be at least 5 seconds");
        }
        o.finish();
        return options;
    }

    /** The planned phases; stress adds its steps as it goes, up to {@link #maxSteps()}. */
    List<Phase> plan() {
        long seconds = duration.toSeconds();
        int base = rates.getFirst();
        return switch (scenario) {
            case "load" -> rates.stream().map(r -> new Phase("steady " + r + "/s", r, seconds)).toList();
            case "spike" -> List.of(new Phase("base", base, seconds / 3), new Phase("spike ×" + spikeFactor, (long) base * spikeFactor,
                    seconds / 3), new Phase("back to base", base, seconds - 2 * (seconds / 3)));
            case "stress" -> List.of();
            default -> List.of(new Phase("steady " + base + "/s", base, seconds));
        };
    }

    int maxSteps() {
        return Math.max(1, (maxRate - rates.getFirst()) / stepRate + 1);
    }

    /** One stretch at a fixed target rate. */
    record Phase(String name, long rate, long seconds) {
    }
}
