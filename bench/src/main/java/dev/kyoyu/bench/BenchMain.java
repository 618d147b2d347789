package dev.kyoyu.bench;

import dev.kyoyu.bench.pooler.PoolerBench;
import dev.kyoyu.bench.e2e.E2eBench;
import dev.kyoyu.bench.generative.GenerativeBench;
import dev.kyoyu.bench.ingest.IngestBench;
import dev.kyoyu.bench.query.QueryBench;
import dev.kyoyu.bench.sink.SinkBench;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code BenchMain ingest|sink|query|generative|pooler [options]}: a benchmark is a command, not a test. Each starts the services it
 * measures as child processes against the stack in KYOYU_KAFKA_BOOTSTRAP / KYOYU_PG_URL, measures its baseline
 * in the same run, prints a table and writes it with a chart to docs/benchmarks/.
 */
public final class BenchMain {
    private static final String USAGE = """
            usage: BenchMain ingest|sink|query|generative|pooler|e2e|smoke|load|stress|spike|soak [options]     (./kyoyu bench … [options])

            """;

    private BenchMain() {
    }

    /** The bench's logging config; the schemas jar on the same classpath brings the services' logback.xml. */
    public static final String LOGBACK_CONFIG = "logback-bench.xml";

    public static void main(String[] args) {
        System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        System.exit(run(List.of(args)));
    }

    static int run(List<String> args) {
        // Liquibase and Helidon log through JUL; the bench prints only its own progress and results.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.setProperty("java.awt.headless", "true");
        if (args.isEmpty() || args.getFirst().equals("--help") || args.getFirst().equals("help")) {
            System.out.println(usage());
            return args.isEmpty() ? 2 : 0;
        }
        List<String> rest = args.subList(1, args.size());
        try {
            return switch (args.getFirst()) {
                case "ingest" -> IngestBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "sink" -> SinkBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "query" -> QueryBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "generative" -> GenerativeBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "pooler" -> PoolerBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "e2e" -> E2eBench.run(BenchEnv.fromEnv(System.getenv()), rest);
                case "smoke", "load", "stress", "spike", "soak" -> E2eBench.run(BenchEnv.fromEnv(System.getenv()), scenario(args.getFirst(), rest));
                default -> throw new Options.UsageException(List.of("unknown benchmark '" + args.getFirst() + "'"));
            };
        } catch (Options.UsageException e) {
            System.err.println(e.getMessage());
            System.err.println();
            System.err.println(usage());
            return 2;
        } catch (Exception e) {
            System.err.println("benchmark failed: " + e);
            e.printStackTrace();
            return 1;
        }
    }

    private static String usage() {
        return USAGE + IngestBench.usage() + "\n\n" + SinkBench.usage() + "\n\n" + QueryBench.usage() + "\n\n" + GenerativeBench.usage()
                + "\n\n" + PoolerBench.usage() + "\n\n" + E2eBench.usage();
    }

    /** {@code smoke --rate=…} is {@code e2e --scenario=smoke --rate=…}. */
    private static List<String> scenario(String name, List<String> rest) {
        List<String> args = new ArrayList<>(List.of("--scenario=" + name));
        args.addAll(rest);
        return args;
    }
}
