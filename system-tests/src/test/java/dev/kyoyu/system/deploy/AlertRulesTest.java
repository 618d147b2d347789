package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.system.deploy.AlertRules.Case;
import dev.kyoyu.system.deploy.AlertRules.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The alerting rules are the ones issue 13 asks for, each tested by promtool both ways and explained in
 * docs/operations.md. promtool itself runs them in {@link AlertRulesPromtoolIT}.
 */
class AlertRulesTest {
    /** Every alert the issue names, with its severity. */
    static final Map<String, String> ISSUE_ALERTS = issueAlerts();
    private static final String RUNBOOK = "docs/operations.md#alerts-and-what-to-do";

    private static Map<String, String> issueAlerts() {
        Map<String, String> alerts = new LinkedHashMap<>();
        alerts.put("KyoyuQueryLatencyHigh", "warning");      // query p95 > 50 ms for 5 min
        alerts.put("KyoyuQueryLatencyCritical", "critical"); // query p95 > 100 ms for 2 min
        alerts.put("KyoyuIngestionBacklog", "warning");      // lag or buffer > 5000 for 30 s
        alerts.put("KyoyuPoolSaturated", "warning");         // pool utilisation > 80 % for 5 min
        alerts.put("KyoyuStorageGrowthHigh", "warning");     // daily growth > 2x the 7-day average
        alerts.put("KyoyuUncompressedChunksOld", "warning"); // uncompressed chunks older than 14 days
        alerts.put("KyoyuAuthFailuresHigh", "warning");      // > 100 auth failures in a minute
        alerts.put("KyoyuSinkWorkerUnhealthy", "critical");  // a sink worker unhealthy
        alerts.put("KyoyuDecisionStreamDown", "critical");   // the decision stream not running
        return alerts;
    }

    private final List<Rule> rules = AlertRules.rules();

    @Test
    void theRulesAreExactlyTheIssuesAlertsWithTheirSeverities() {
        Map<String, String> severities = new LinkedHashMap<>();
        rules.forEach(r -> severities.put(r.alert(), r.labels().get("severity")));
        assertEquals(ISSUE_ALERTS.size(), rules.size(), "one rule per alert: " + rules.stream().map(Rule::alert).toList());
        assertEquals(ISSUE_ALERTS, severities);
    }

    @Test
    void everyAlertHasASummaryADescriptionAndTheRunbook() {
        List<String> problems = new ArrayList<>();
        for (Rule rule : rules) {
            for (String annotation : List.of("summary", "description")) {
                if (rule.annotations().getOrDefault(annotation, "").isBlank()) {
                    problems.add(rule.alert() + " has no " + annotation);
                }
            }
            if (!RUNBOOK.equals(rule.annotations().get("runbook_url"))) {
                problems.add(rule.alert() + " points its runbook_url at " + rule.annotations().get("runbook_url") + ", not " + RUNBOOK);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyAlertHasAPromtoolCaseWhereItFiresAndOneWhereItDoesNot() {
        List<Case> cases = AlertRules.cases();
        List<String> missing = new ArrayList<>();
        for (String alert : ISSUE_ALERTS.keySet()) {
            Set<Boolean> kinds = cases.stream().filter(c -> c.alert().equals(alert)).map(Case::fires).collect(Collectors.toSet());
            if (!kinds.contains(true)) {
                missing.add(alert + ": no case where it fires");
            }
            if (!kinds.contains(false)) {
                missing.add(alert + ": no case where it stays silent");
            }
        }
        assertEquals(List.of(), missing);
        Set<String> unknown = cases.stream().map(Case::alert).filter(a -> !ISSUE_ALERTS.containsKey(a)).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of(), unknown, "cases of alerts alerts.yml does not have");
        DeployFiles.ALERT_TESTS.forEach(file -> assertEquals(List.of("alerts.yml"), AlertRules.ruleFiles(file), file + " tests alerts.yml"));
    }

    @Test
    void theOperationsGuideSaysWhatToDoForEveryAlert() throws IOException {
        String guide = Files.readString(DeployFiles.OPERATIONS);
        int section = guide.indexOf("\n## Alerts and what to do\n");
        int next = guide.indexOf("\n## ", section + 1);
        String alertsSection = section < 0 ? "" : guide.substring(section, next < 0 ? guide.length() : next);
        List<String> undocumented = ISSUE_ALERTS.keySet().stream().filter(a -> !alertsSection.contains(a)).toList();
        assertEquals(List.of(), undocumented, "alerts docs/operations.md's \"Alerts and what to do\" does not explain");
    }
}
