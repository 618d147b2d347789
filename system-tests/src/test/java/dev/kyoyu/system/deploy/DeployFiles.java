package dev.kyoyu.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Where the monitoring files live in the checkout, and how they are read. */
final class DeployFiles {
    static final Path REPO = Checkout.ROOT;
    static final Path PROMETHEUS = REPO.resolve("deploy/prometheus");
    static final Path ALERTS = PROMETHEUS.resolve("alerts.yml");
    /** promtool's unit tests of the rules: minute-scale alerts, and day-scale ones evaluated less often. */
    static final List<Path> ALERT_TESTS = List.of(PROMETHEUS.resolve("alerts.test.yml"), PROMETHEUS.resolve("alerts.daily.test.yml"));
    static final Path DASHBOARDS = REPO.resolve("deploy/grafana/dashboards");
    static final Path OPERATIONS = REPO.resolve("docs/operations.md");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private DeployFiles() {
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REPO.relativize(file), e);
        }
    }

    /** Every document of a YAML file that may hold several (Kubernetes manifests). */
    static List<JsonNode> yamlDocuments(Path file) {
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return documents.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REPO.relativize(file), e);
        }
    }

    static JsonNode json(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }

    static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
