package dev.kyoyu.query.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
    private final DistributionSummary similarity;

    public QueryMetrics(MeterRegistry registry) {
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
        similarity = DistributionSummary.builder("kyoyu.search.similarity.score")
                .description("similarity (1 - cosine distance) of each search hit")
                .serviceLevelObjectives(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0).register(registry);
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
        similarity.record(score);
    }
}
