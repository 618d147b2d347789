package dev.kyoyu.query.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class QueryMetricsTest {
    @Test
    @DisplayName("a similarity of 0.78 is counted in the le=0.8 bucket and not in le=0.7, its sum kept as a fraction")
    void similarityLandsInItsBucket() {
        PrometheusMeterRegistry registry = Metrics.newRegistry("query-api");
        QueryMetrics metrics = new QueryMetrics(registry, "query-api");
        metrics.similarity(0.78);
        metrics.similarity(0.15);

        String scrape = registry.scrape();
        assertTrue(scrape.contains("kyoyu_search_similarity_score_bucket{service=\"query-api\",le=\"0.1\"} 0\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_bucket{service=\"query-api\",le=\"0.2\"} 1\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_bucket{service=\"query-api\",le=\"0.7\"} 1\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_bucket{service=\"query-api\",le=\"0.8\"} 2\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_bucket{service=\"query-api\",le=\"1.0\"} 2\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_count{service=\"query-api\"} 2\n"), scrape);
        assertTrue(scrape.contains("kyoyu_search_similarity_score_sum{service=\"query-api\"} 0.93\n"), scrape);
    }
}
