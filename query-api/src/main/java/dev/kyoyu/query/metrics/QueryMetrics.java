package dev.kyoyu.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The read side's meters: {@code kyoyu_query_duration_seconds{query_type}}, {@code kyoyu_query_results_total{query_type}}
 * (rows returned), {@code kyoyu_query_result_rows{query_type}} (rows per answer, a distribution), and
 * {@code kyoyu_search_similarity_score} (one sample per search hit). Pool utilisation is PoolMeters' (ReadPools).
 */
public final class QueryMetrics {
    public enum QueryType { STRUCTURED, TEMPORAL, SEARCH, RUN, HISTORY, CONFLICTS }

    private final Map<QueryType, Timer> durations = new EnumMap<>(QueryType.class);
    private final Map<QueryType, DistributionSummary> rowsPerAnswer = new EnumMap<>(QueryType.class);
    private final Map<QueryType, Counter> results = new EnumMap<>(QueryType.class);
    /** The similarity buckets: a similarity is 1 - cosine distance, at most 1. */
    static final double[] SIMILARITY_BOUNDS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0};

    private final DistributionDataPoint similarity;

    /** {@code service} is the registry's common tag, given to the one meter that is not Micrometer's. */
    public QueryMetrics(PrometheusMeterRegistry registry, String service) {
        for (QueryType type : QueryType.values()) {
            String tag = type.name().toLowerCase(Locale.ROOT);
            durations.put(type, Timer.builder("kyoyu.query.duration").tag("query_type", tag)
                    .publishPercentileHistogram().register(registry));
            results.put(type, Counter.builder("kyoyu.query.results").tag("query_type", tag)
                    .description("rows returned").register(registry));
            // Not kyoyu.query.results: one Prometheus name cannot be both a counter and a summary.
            rowsPerAnswer.put(type, DistributionSummary.builder("kyoyu.query.result.rows").tag("query_type", tag)
                    .description("rows in one answer")
                    .serviceLevelObjectives(1, 5, 10, 50, 100, 500, 1000, 10_000).register(registry));
        }
        similarity = similarityHistogram(registry, service);
    }

    /**
     * Registered on the Prometheus client under Micrometer's registry (so it is on the same /metrics): Micrometer's
     * fixed-bucket histograms count whole numbers (0.78 is counted as 1), which would put every similarity in le="1.0".
     * Exemplars are off: they need a tracer bridge the service does not ship.
     */
    private static DistributionDataPoint similarityHistogram(PrometheusMeterRegistry registry, String service) {
        return Histogram.builder().name("kyoyu_search_similarity_score")
                .help("similarity (1 - cosine distance) of each search hit")
                .classicOnly().classicUpperBounds(SIMILARITY_BOUNDS).withoutExemplars()
                .labelNames("service").register(registry.getPrometheusRegistry())
                .labelValues(service);
    }

    public Timer.Sample start() {
        return Timer.start();
    }

    /** Ends a query that answered {@code rows} rows. */
    public void record(QueryType type, Timer.Sample sample, int rows) {
        sample.stop(durations.get(type));
        results.get(type).increment(rows);
        rowsPerAnswer.get(type).record(rows);
    }

    public void similarity(double score) {
        similarity.observe(score);
    }
}
