package dev.kyoyu.bench.generative;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.bench.Options;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.generative.CaseGenerator;
import dev.kyoyu.testsupport.generative.CaseOracle;
import dev.kyoyu.testsupport.generative.DeadLetterWatch;
import dev.kyoyu.testsupport.generative.GeneratedCase;
import dev.kyoyu.testsupport.generative.Tally;
import dev.kyoyu.testsupport.generative.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import me.tongfei.progressbar.ProgressBar;

/**
 * {@code ./kyoyu bench generative --cases=N --seed=S}: the generative test of "accepted means processable"
 * (system-tests' AcceptedMeansProcessableIT) run for longer, against ingest-api, decision-stream and sink-worker
 * started as child processes on the bench's own topics and database. Prints, and writes to
 * {@code docs/benchmarks/generative-<time>.md}, how many cases it tried per family and what it found.
 * Case {@code i} is generated from {@code seed + i}, so a seed and a case number reproduce any finding.
 */
public final class GenerativeBench {
    static final String USAGE = """
            generative: generated events and decisions through the real pipeline; each must be refused with its field,
                        stored, or dead-lettered with a reason
              --cases=N              cases to try (default 2000)
              --seed=S               seed of case 0; case i uses seed+i (default: from the clock, printed)
              --concurrency=C        cases in flight at once (default 4)
              --settle=SECONDS       how long an accepted case may take to be stored or dead-lettered (default 30)
              --max-lost=K           stop after K lost cases: the pipeline is stuck (default 10)
              --out=DIR              where the .md goes (default docs/benchmarks of the checkout)""";
    private static final String AGENT = "bench-generative";

    private GenerativeBench() {
    }

    public static String usage() {
        return USAGE;
    }

    public static int run(BenchEnv env, List<String> args) throws Exception {
        Options o = new Options(args);
        long cases = o.number("cases", 2000, 1, 100_000_000);
        String seedText = o.string("seed", Long.toString(System.currentTimeMillis()));
        int concurrency = o.integer("concurrency", 4, 1, 64);
        Duration settle = o.seconds("settle", Duration.ofSeconds(30));
        int maxLost = o.integer("max-lost", 10, 1, Integer.MAX_VALUE);
        Path out = Path.of(o.string("out", env.repo().resolve("docs").resolve("benchmarks").toString()));
        long seed = 0;
        try {
            seed = Long.parseLong(seedText);
        } catch (NumberFormatException e) {
            o.problem("--seed=" + seedText + " is not a whole number");
        }
        o.finish();
        GenerativeStack.SERVICES.forEach(env::requireBuilt);
        Path work = Files.createTempDirectory("kyoyu-bench-generative-");
        System.err.println("logs and scratch files: " + work + "; seed " + seed);

        Tally tally = new Tally();
        String health;
        String ordinary;
        long tried;
        Instant started = Instant.now();
        try (BenchTopics topics = new BenchTopics(env.kafkaBootstrap(), false);
             BenchDatabase db = BenchDatabase.create(env, "generative", false)) {
            GenerativeStack.Topics names = new GenerativeStack.Topics(topics.create("generative-events", 3),
                    topics.create("generative-dlq", 1), topics.create("generative-decisions", 3),
                    topics.create("generative-conflicts", 3), topics.create("generative-rejected", 3));
            System.err.println("starting ingest-api, sink-worker and decision-stream on database " + db.name() + "…");
            try (GenerativeStack stack = GenerativeStack.start(env, db, names, work);
                 DeadLetterWatch watch = new DeadLetterWatch(env.kafkaBootstrap(), List.of(names.deadLetters(), names.rejected()))) {
                String token = TestTokens.token(AGENT, Role.AGENT);
                CaseOracle oracle = new CaseOracle(stack.ingestPort, token, db.url(), env.pgUser(), env.pgPassword(), watch, settle);
                tried = runCases(oracle, tally, cases, seed, concurrency, maxLost);
                Verdict last = oracle.ordinary();
                ordinary = last.ok() ? "stored" : last.toString();
                health = stack.health();
            }
        }
        String report = report(tally, seed, cases, tried, ordinary, health, Duration.between(started, Instant.now()));
        System.out.println(report);
        Files.createDirectories(out);
        Path file = out.resolve("generative-" + started.toString().replace(":", "").substring(0, 15) + ".md");
        Files.writeString(file, report);
        System.err.println("written to " + file);
        return tally.findings().isEmpty() && ordinary.equals("stored") ? 0 : 1;
    }

    /** Runs cases {@code 0..cases-1} with {@code concurrency} in flight; returns how many were tried. */
    private static long runCases(CaseOracle oracle, Tally tally, long cases, long seed, int concurrency, int maxLost) throws Exception {
        AtomicInteger lost = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        try (ProgressBar bar = Progress.bar("generative", cases, "cases");
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    for (long i = next.getAndIncrement(); i < cases && lost.get() < maxLost; i = next.getAndIncrement()) {
                        // Consecutive seeds of java.util.Random start alike; SplittableRandom mixes them first.
                        GeneratedCase input = CaseGenerator.next(new Random(new SplittableRandom(seed + i).nextLong()));
                        Verdict verdict = oracle.check(input);
                        tally.add(input, verdict);
                        if (verdict.outcome().equals("lost")) {
                            lost.incrementAndGet();
                        }
                        bar.step();
                    }
                    return null;
                }));
            }
            for (Future<?> worker : workers) {
                worker.get();
            }
        }
        if (lost.get() >= maxLost) {
            System.err.println("stopped early: " + lost.get() + " accepted cases were neither stored nor dead-lettered (the pipeline is stuck)");
        }
        return tally.total();
    }

    private static String report(Tally tally, long seed, long cases, long tried, String ordinary, String health, Duration took) {
        StringBuilder md = new StringBuilder("# Generative run: accepted means processable\n\n");
        md.append(String.format("seed %d, %d of %d cases tried in %d s; families: %s%n%n", seed, tried, cases, took.toSeconds(),
                String.join(", ", CaseGenerator.families())));
        md.append("```\n").append(tally.table()).append("```\n\n");
        md.append("An ordinary event posted after them: ").append(ordinary).append("\n\n");
        md.append("Health at the end: ").append(health).append("\n\n");
        List<String> findings = tally.findings();
        md.append("## Findings (").append(findings.size()).append(")\n\n");
        findings.stream().limit(100).forEach(f -> md.append("- ").append(f.replace("\n", " ")).append('\n'));
        if (findings.size() > 100) {
            md.append("- … and ").append(findings.size() - 100).append(" more\n");
        }
        return md.toString();
    }
}
