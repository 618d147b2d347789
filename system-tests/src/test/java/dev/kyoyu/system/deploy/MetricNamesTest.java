package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.system.deploy.AlertRules.Rule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Every metric the alerting rules and dashboards read is one the services make: a renamed metric fails here. */
class MetricNamesTest {
    /**
     * The metrics issue 13 added under new names, as agreed between the code and these rules and dashboards. Until
     * the code defines any of them (the two were written side by side), they count as defined; once it defines
     * one, every one referenced must be found in the code like any other.
     */
    static final Set<String> ISSUE_13_METRICS = Set.of(
            "kyoyu_ingest_inflight_events", "kyoyu_active_connections", "kyoyu_pool_utilization_ratio",
            "kyoyu_db_table_size_bytes", "kyoyu_chunk_count", "kyoyu_chunk_oldest_uncompressed_age_seconds",
            "kyoyu_compression_ratio", "kyoyu_consumer_lag_records", "kyoyu_ready", "kyoyu_stream_running");

    @Test
    void everyMetricTheAlertsAndDashboardsReadIsMadeByTheServices() throws IOException {
        Set<String> inCode = MetricNames.inCode(DeployFiles.REPO);
        boolean issue13InCode = ISSUE_13_METRICS.stream().anyMatch(n -> MetricNames.matches(n, inCode));
        Map<String, String> unknown = new TreeMap<>();
        referenced().forEach((name, where) -> {
            boolean known = MetricNames.PROMETHEUS_OWN.contains(name) || MetricNames.matches(name, inCode)
                    || !issue13InCode && MetricNames.matches(name, ISSUE_13_METRICS);
            if (!known) {
                unknown.put(name, where);
            }
        });
        assertEquals(Map.of(), unknown, "metrics no service registers (name -> where it is read)");
    }

    @Test
    void theNameCheckTellsRegisteredMetricsFromUnknownOnes() throws IOException {
        Set<String> inCode = MetricNames.inCode(DeployFiles.REPO);
        // A timer's histogram, a counter, and a meter ShellMeters names from a prefix and a suffix.
        for (String name : List.of("kyoyu_query_duration_seconds_bucket", "kyoyu_copy_errors_total", "kyoyu_events_dead_lettered_total")) {
            assertTrue(MetricNames.matches(name, inCode), name + " is registered in the code");
        }
        for (String name : List.of("kyoyu_query_latency_seconds_bucket", "kyoyu_copy_failures_total", "kyoyu_events_dead_letters_total")) {
            assertTrue(!MetricNames.matches(name, inCode), name + " is not registered in the code");
        }
        assertEquals(Set.of("kyoyu_a_total", "up", "process_cpu_seconds_total"),
                MetricNames.inExpression("sum by (job) (rate(kyoyu_a_total{topic=\"kyoyu_in_a_label\"}[1m])) or up{job=\"x\"} == 0 "
                        + "or process_cpu_seconds_total{} > 1"));
    }

    /** Metric name to the first alert or dashboard panel that reads it. */
    private static Map<String, String> referenced() throws IOException {
        Map<String, String> where = new TreeMap<>();
        for (Rule rule : AlertRules.rules()) {
            MetricNames.inExpression(rule.expr()).forEach(n -> where.putIfAbsent(n, "alerts.yml " + rule.alert()));
        }
        for (Path file : DeployFiles.dashboards()) {
            for (JsonNode panel : Dashboards.panels(DeployFiles.json(file))) {
                for (JsonNode target : panel.path("targets")) {
                    MetricNames.inExpression(target.path("expr").asText())
                            .forEach(n -> where.putIfAbsent(n, file.getFileName() + " \"" + panel.path("title").asText() + "\""));
                }
            }
        }
        return where;
    }
}
