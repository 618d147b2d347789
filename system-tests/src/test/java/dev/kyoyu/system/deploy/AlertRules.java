package dev.kyoyu.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** deploy/prometheus/alerts.yml and its promtool unit tests, read as data. */
final class AlertRules {
    /** One alerting rule: its name, PromQL expression, labels and annotations. */
    record Rule(String alert, String expr, Map<String, String> labels, Map<String, String> annotations) {
    }

    /** One {@code alert_rule_test} entry: whether it expects the alert to fire at its evaluation time. */
    record Case(Path file, String group, String alert, String evalTime, boolean fires) {
    }

    private AlertRules() {
    }

    static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (JsonNode group : DeployFiles.yaml(DeployFiles.ALERTS).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.add(new Rule(rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText(),
                        strings(rule.path("labels")), strings(rule.path("annotations"))));
            }
        }
        return rules;
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Path file : DeployFiles.ALERT_TESTS) {
            for (JsonNode group : DeployFiles.yaml(file).path("tests")) {
                for (JsonNode test : group.path("alert_rule_test")) {
                    cases.add(new Case(file, group.path("name").asText(), test.path("alertname").asText(),
                            test.path("eval_time").asText(), !test.path("exp_alerts").isEmpty()));
                }
            }
        }
        return cases;
    }

    /** The rule files a promtool test file loads. */
    static List<String> ruleFiles(Path testFile) {
        List<String> files = new ArrayList<>();
        DeployFiles.yaml(testFile).path("rule_files").forEach(f -> files.add(f.asText()));
        return files;
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new TreeMap<>();
        object.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }
}
