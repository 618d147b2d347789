package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards under deploy/grafana/dashboards: valid JSON that Grafana can load on any Prometheus
 * data source (a variable, never a fixed uid), every panel with a query, and together showing what issue 13 asks.
 */
class DashboardsTest {
    private static final String DATASOURCE = "${datasource}";
    /** A selector fixing an instance or pod: a dashboard made for one deployment only. */
    private static final Pattern FIXED_INSTANCE = Pattern.compile("\\b(instance|pod)\\s*=~?\\s*\"[^\"$]");
    /** What the issue asks the dashboards to show, by the metric that shows it. */
    private static final List<String> ASKED_FOR = List.of(
            "kyoyu_events_ingested_total",                      // ingestion rate and errors
            "kyoyu_ingest_inflight_events",                     // ingest in flight
            "kyoyu_events_batch_flush_duration_seconds_bucket", // batch flush time
            "kyoyu_consumer_lag_records",                       // lag per partition
            "kyoyu_copy_errors_total",                          // COPY errors
            "kyoyu_events_dead_lettered_total",                 // dead letters
            "kyoyu_query_duration_seconds_bucket",              // query p95 by type
            "kyoyu_query_results_total",
            "kyoyu_search_similarity_score_bucket",
            "kyoyu_pool_utilization_ratio",                     // pool utilisation
            "kyoyu_active_connections",
            "kyoyu_auth_failures_total",                        // auth failures
            "kyoyu_db_table_size_bytes",                        // storage
            "kyoyu_chunk_count",
            "kyoyu_compression_ratio");

    @Test
    void everyDashboardUsesTheDatasourceVariableAndEveryPanelHasAQuery() throws IOException {
        List<Path> files = DeployFiles.dashboards();
        assertFalse(files.isEmpty(), "no dashboards in " + DeployFiles.DASHBOARDS);
        List<String> problems = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            JsonNode dashboard = DeployFiles.json(file);
            if (dashboard.path("uid").asText().isBlank() || !uids.add(dashboard.path("uid").asText())) {
                problems.add(name + ": no uid of its own");
            }
            boolean hasVariable = false;
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                hasVariable |= "datasource".equals(variable.path("type").asText()) && "prometheus".equals(variable.path("query").asText())
                        && DATASOURCE.equals("${" + variable.path("name").asText() + "}");
            }
            if (!hasVariable) {
                problems.add(name + ": no Prometheus data source variable named datasource");
            }
            List<JsonNode> panels = Dashboards.panels(dashboard);
            if (panels.isEmpty()) {
                problems.add(name + ": no panels");
            }
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : panels) {
                String where = name + " \"" + panel.path("title").asText() + "\"";
                if (!ids.add(panel.path("id").asInt(-1))) {
                    problems.add(where + ": no id of its own");
                }
                if (!DATASOURCE.equals(panel.path("datasource").path("uid").asText())) {
                    problems.add(where + ": its data source is not " + DATASOURCE);
                }
                if (panel.path("targets").isEmpty()) {
                    problems.add(where + ": no query");
                }
                for (JsonNode target : panel.path("targets")) {
                    String expr = target.path("expr").asText();
                    if (expr.isBlank()) {
                        problems.add(where + ": a target without a query");
                    }
                    if (!DATASOURCE.equals(target.path("datasource").path("uid").asText())) {
                        problems.add(where + ": a target whose data source is not " + DATASOURCE);
                    }
                    if (FIXED_INSTANCE.matcher(expr).find()) {
                        problems.add(where + ": selects a fixed instance: " + expr);
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theDashboardsShowWhatTheIssueAsksFor() throws IOException {
        Set<String> shown = new TreeSet<>();
        for (Path file : DeployFiles.dashboards()) {
            for (JsonNode panel : Dashboards.panels(DeployFiles.json(file))) {
                panel.path("targets").forEach(t -> shown.addAll(MetricNames.inExpression(t.path("expr").asText())));
            }
        }
        assertEquals(List.of(), ASKED_FOR.stream().filter(m -> !shown.contains(m)).toList(), "metrics no dashboard panel shows");
    }
}
