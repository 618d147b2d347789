package dev.kyoyu.bench.ingest;

import dev.kyoyu.bench.Options;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * @param clients         concurrent HTTP clients (virtual threads), each its own agent with its own run
 * @param batchSizes      events per request, one measured phase each
 * @param warmup          load before the first phase, not measured (JIT, connection pools, producer)
 * @param rampUp          load at the phase's batch size before its measurement window opens
 * @param measure         length of each phase's measurement window
 * @param partitions      partitions of the bench topics; 0 = as many as kyoyu.events.v1 has on this broker
 * @param baselineRecords records each ProducerPerformance baseline sends (a tenth more as its warm-up)
 * @param serviceJvmArgs  extra JVM flags for ingest-api, for diagnosis (GC logs, native memory tracking)
 * @param rateModes       how ingest-api counts rate limits, one fresh ingest-api and every phase each: {@code off},
 *                        {@code in-process}, {@code redis} (limits far above the load, so what is measured is the cost
 *                        of charging, not refusals)
 */
public record IngestOptions(int clients, List<Integer> batchSizes, Duration warmup, Duration rampUp, Duration measure,
                            int partitions, long baselineRecords, List<String> serviceJvmArgs, Path outDir,
                            boolean keep, List<String> rateModes) {
    static final List<String> RATE_MODES = List.of("off", "in-process", "redis");

    static final String USAGE = """
            BenchMain ingest [options]   drive ingest-api over HTTP; baseline: Kafka's ProducerPerformance
              --clients=N            concurrent clients, virtual threads (default 64)
              --batches=1,100,1000   events per request, one measured phase each
              --phase-seconds=40     measurement window per batch size
              --rampup-seconds=5     load before each window, not measured
              --warmup-seconds=15    load before the first phase, not measured
              --partitions=N         bench topic partitions (default: as many as kyoyu.events.v1)
              --baseline-records=N   records per ProducerPerformance run (default 3m)
              --service-jvm-args="-Xlog:gc …"
                                     extra JVM flags for ingest-api, after -Xmx (diagnosis; the report names them)
              --out=DIR              where the .md and .png go (default docs/benchmarks of the checkout)
              --keep                 keep the bench topics
              --rate-limits=in-process
                                     off, in-process and/or redis (comma list): ingest-api's rate limiting, limits
                                     far above the load; each mode runs every phase on a fresh ingest-api""";

    static IngestOptions parse(List<String> args, Path repo) {
        Options o = new Options(args);
        IngestOptions options = new IngestOptions(
                o.integer("clients", 64, 1, 4096),
                o.integers("batches", List.of(1, 100, 1000), 1, 5000),
                o.seconds("warmup-seconds", Duration.ofSeconds(15)),
                o.seconds("rampup-seconds", Duration.ofSeconds(5)),
                o.seconds("phase-seconds", Duration.ofSeconds(40)),
                o.integer("partitions", 0, 0, 1000),
                o.number("baseline-records", 3_000_000, 10_000, 1_000_000_000),
                Options.words(o.string("service-jvm-args", "")),
                Path.of(o.string("out", repo.resolve("docs").resolve("benchmarks").toString())),
                o.flag("keep"),
                Options.words(o.string("rate-limits", "in-process").replace(',', ' ')));
        if (options.rateModes().isEmpty() || !RATE_MODES.containsAll(options.rateModes())
                || options.rateModes().stream().distinct().count() != options.rateModes().size()) {
            o.problem("--rate-limits takes distinct values among " + String.join(", ", RATE_MODES));
        }
        if (options.measure().isZero()) {
            o.problem("--phase-seconds must be at least 1");
        }
        o.finish();
        return options;
    }
}
