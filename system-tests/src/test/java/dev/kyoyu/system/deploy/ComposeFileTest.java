package dev.kyoyu.system.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml as Debian's docker-compose resolves it ({@code docker-compose --env-file .env.example config}: no
 * engine needed): the services of the deployment, pinned images, three brokers at replication factor 3, PgBouncer in
 * transaction mode, the replica, health checks, named volumes, and Prometheus and the collector wired to the services.
 */
class ComposeFileTest {
    private static final ComposeModel COMPOSE = new ComposeModel(DockerCompose.config(ComposeEnvFiles.EXAMPLE).resolved());
    private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
    private static final Map<String, String> KYOYU_SERVICES = ComposeModel.KYOYU_SERVICES;

    @Test
    void theFileHoldsExactlyTheServicesOfTheDeployment() {
        Set<String> expected = new TreeSet<>(List.of("kafka-1", "kafka-2", "kafka-3", "kafka-init", "postgres", "pgbouncer",
                "postgres-replica", "migrate", "ingest-api-1", "ingest-api-2", "sink-worker", "decision-stream", "embedder",
                "query-api", "admin-bootstrap", "agents", "prometheus", "grafana", "otel-collector"));
        assertEquals(expected, new TreeSet<>(COMPOSE.services().keySet()));
    }

    @Test
    void thirdPartyImagesAreTheOnesDeployImagesPropertiesPins() {
        Map<String, String> pins = Checkout.pinnedImages();
        Map<String, String> roleOf = new LinkedHashMap<>();
        BROKERS.forEach(b -> roleOf.put(b, "kafka"));
        roleOf.put("kafka-init", "kafka");
        roleOf.put("postgres", "postgres");
        roleOf.put("postgres-replica", "postgres");
        roleOf.put("pgbouncer", "pgbouncer");
        roleOf.put("prometheus", "prometheus");
        roleOf.put("grafana", "grafana");
        roleOf.put("otel-collector", "otel-collector");
        Map<String, String> wrong = new TreeMap<>();
        roleOf.forEach((service, role) -> {
            if (!COMPOSE.image(service).equals(pins.get(role))) {
                wrong.put(service, COMPOSE.image(service) + " (deploy/images.properties " + role + "=" + pins.get(role) + ")");
            }
        });
        assertEquals(Map.of(), wrong);
        Set<String> unused = new TreeSet<>(pins.keySet());
        unused.removeIf(role -> role.startsWith("java.") || roleOf.containsValue(role));
        assertEquals(Set.of(), unused, "pinned images compose does not run");
    }

    @Test
    void everyKyoyuImageIsBuiltFromItsDockerfileTarget() {
        DockerfileModel dockerfile = DockerfileModel.read();
        List<String> problems = new ArrayList<>();
        COMPOSE.services().forEach((name, spec) -> {
            Map<String, Object> build = ComposeModel.map(spec, "build");
            if (build.isEmpty()) {
                return;
            }
            String target = String.valueOf(build.get("target"));
            if (!ServiceConfigs.BY_MODULE.containsKey(target) || dockerfile.stage(target).isEmpty()) {
                problems.add(name + " builds target " + target + ", which is no service target of the Dockerfile");
            }
            if (!COMPOSE.image(name).matches("kyoyu/" + Pattern.quote(target) + ":[0-9A-Za-z._-]+")) {
                problems.add(name + " tags its build " + COMPOSE.image(name) + ", not kyoyu/" + target + ":<tag>");
            }
        });
        KYOYU_SERVICES.forEach((name, module) -> {
            if (!String.valueOf(ComposeModel.map(COMPOSE.service(name), "build").get("target")).equals(module)) {
                problems.add(name + " does not run the " + module + " image");
            }
        });
        assertEquals(List.of(), problems);
    }

    /**
     * Every kyoyu/ image named anywhere under deploy/k8s (a Deployment's, or an overlay's patch) against those compose
     * runs with .env.example: the same services at the same tags. (KubernetesManifestsTest ties the tag to the pom.)
     */
    @Test
    void composeRunsTheKyoyuImageTagsTheKubernetesManifestsName() throws IOException {
        Set<String> compose = new TreeSet<>();
        COMPOSE.services().keySet().stream().map(COMPOSE::image).filter(image -> image.startsWith("kyoyu/")).forEach(compose::add);
        Set<String> kubernetes = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Checkout.path("deploy/k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                DeployFiles.yamlDocuments(file).forEach(document -> document.findValues("image").stream()
                        .map(JsonNode::asText).filter(image -> image.startsWith("kyoyu/")).forEach(kubernetes::add));
            }
        }
        assertEquals(Set.copyOf(KYOYU_SERVICES.values()), kubernetes.stream().map(image -> image.replaceFirst("^kyoyu/([^:]+):.*$", "$1"))
                .collect(Collectors.toSet()), "deploy/k8s runs every Kyoyu service: " + kubernetes);
        assertEquals(kubernetes, compose, "kyoyu/<service>:<tag> in deploy/k8s and in docker-compose.yml");
    }

    @Test
    void kafkaRunsThreeKraftBrokersReplicatingEverythingThreeTimesWithTwoInSync() {
        Set<String> nodeIds = new TreeSet<>();
        Set<String> clusterIds = new TreeSet<>();
        for (String broker : BROKERS) {
            Map<String, String> env = COMPOSE.environment(broker);
            nodeIds.add(env.get("KAFKA_NODE_ID"));
            clusterIds.add(env.get("CLUSTER_ID"));
            assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES"), broker);
            assertEquals("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093", env.get("KAFKA_CONTROLLER_QUORUM_VOTERS"), broker);
            assertEquals("PLAINTEXT://" + broker + ":9092", env.get("KAFKA_ADVERTISED_LISTENERS"), broker);
            assertEquals("3", env.get("KAFKA_DEFAULT_REPLICATION_FACTOR"), broker);
            assertEquals("2", env.get("KAFKA_MIN_INSYNC_REPLICAS"), broker);
            assertEquals("3", env.get("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"), broker);
            assertEquals("3", env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"), broker);
            assertEquals("2", env.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"), broker);
            assertEquals("false", env.get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"), broker);
            assertEquals("false", env.get("KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"), broker);
        }
        assertEquals(Set.of("1", "2", "3"), nodeIds);
        assertEquals(1, clusterIds.size(), "the brokers disagree on the cluster id: " + clusterIds);
        assertTrue(clusterIds.iterator().next().matches("[A-Za-z0-9_-]{22}"), "CLUSTER_ID is not a base64url UUID: " + clusterIds);
        KYOYU_SERVICES.keySet().stream().filter(s -> !s.equals("embedder")).forEach(service -> assertEquals(
                "kafka-1:9092,kafka-2:9092,kafka-3:9092", COMPOSE.environment(service).get("KYOYU_KAFKA_BOOTSTRAP"), service));
        assertEquals("3", COMPOSE.environment("decision-stream").get("KYOYU_STREAM_TOPIC_REPLICATION"),
                "the stream's own topics and changelogs must be replicated like the rest");
    }

    /** The same topics deploy/local/kafka.sh creates for the local stack, at replication factor 3. */
    @Test
    void theInitJobCreatesTheLocalStacksTopicsReplicatedThreeTimes() {
        String local = Checkout.read("deploy/local/kafka.sh");
        Map<String, String> expected = new TreeMap<>();
        Matcher topics = Pattern.compile("\"(kyoyu\\.[a-z0-9.]+):(\\d+)\"").matcher(local.substring(local.indexOf("TOPICS=("),
                local.indexOf(")", local.indexOf("TOPICS=("))));
        while (topics.find()) {
            boolean compacted = Pattern.compile("COMPACTED_TOPICS=\\([^)]*\"" + Pattern.quote(topics.group(1)) + "\"").matcher(local).find();
            expected.put(topics.group(1), topics.group(2) + (compacted ? " compact" : ""));
        }
        assertFalse(expected.isEmpty(), "no TOPICS in deploy/local/kafka.sh");
        String script = Checkout.read("deploy/compose/kafka-topics.sh");
        Map<String, String> created = new TreeMap<>();
        Matcher create = Pattern.compile("(?m)^create (kyoyu\\.[a-z0-9.]+) (\\d+)(.*)$").matcher(script);
        while (create.find()) {
            created.put(create.group(1), create.group(2) + (create.group(3).contains("cleanup.policy=compact") ? " compact" : ""));
        }
        assertEquals(expected, created);
        assertTrue(script.contains("--replication-factor 3") && script.contains("--config min.insync.replicas=2"));
        assertTrue(COMPOSE.list("kafka-init", "volumes").contains(Checkout.path("deploy/compose/kafka-topics.sh") + ":/kyoyu/kafka-topics.sh:ro"));
        for (String service : List.of("ingest-api-1", "ingest-api-2", "sink-worker", "decision-stream", "query-api", "admin-bootstrap")) {
            assertEquals("service_completed_successfully", COMPOSE.dependsOn(service).get("kafka-init"), service + " starts before the topics exist");
        }
    }

    @Test
    void pgBouncerPoolsTransactionsInFrontOfThePrimary() {
        Map<String, Map<String, String>> ini = ini(Checkout.lines("deploy/compose/pgbouncer.ini"));
        assertEquals("transaction", ini.get("pgbouncer").get("pool_mode"));
        assertEquals("6432", ini.get("pgbouncer").get("listen_port"));
        assertTrue(Integer.parseInt(ini.get("pgbouncer").get("max_prepared_statements")) > 0,
                "pgjdbc's prepared statements need PgBouncer's protocol-level support in transaction mode");
        assertEquals("host=postgres port=5432 dbname=kyoyu", ini.get("databases").get("kyoyu"));
        for (String service : List.of("sink-worker", "embedder", "query-api")) {
            assertEquals("jdbc:postgresql://pgbouncer:6432/kyoyu", COMPOSE.environment(service).get("KYOYU_PG_URL"), service);
            assertEquals("service_healthy", COMPOSE.dependsOn(service).get("pgbouncer"), service);
        }
        assertEquals("jdbc:postgresql://postgres:5432/kyoyu", COMPOSE.environment("migrate").get("KYOYU_PG_URL"),
                "migrations run on a session of their own, straight to the primary");
        assertEquals("service_healthy", COMPOSE.dependsOn("pgbouncer").get("postgres"));
    }

    @Test
    void queryApiReadsFromTheStreamingReplica() {
        assertEquals("jdbc:postgresql://postgres-replica:5432/kyoyu", COMPOSE.environment("query-api").get("KYOYU_QUERY_REPLICA_URLS"));
        assertEquals(COMPOSE.image("postgres"), COMPOSE.image("postgres-replica"));
        assertTrue(COMPOSE.list("postgres", "volumes").contains(
                Checkout.path("deploy/compose/postgres-init.sh") + ":/docker-entrypoint-initdb.d/10-kyoyu.sh:ro"));
        String init = Checkout.read("deploy/compose/postgres-init.sh");
        String replica = Checkout.read("deploy/compose/replica-start.sh");
        assertTrue(init.contains("CREATE ROLE replicator LOGIN REPLICATION") && init.contains("host replication replicator"),
                "the primary's init script makes no replication role");
        assertTrue(replica.contains("pg_basebackup -h postgres -p 5432 -U replicator") && replica.contains(" -R "),
                "the replica does not copy the primary as a standby");
        assertEquals("service_healthy", COMPOSE.dependsOn("postgres-replica").get("postgres"));
    }

    @Test
    void twoIngestReplicasAndSinkWorkersThatScale() {
        assertEquals(COMPOSE.image("ingest-api-1"), COMPOSE.image("ingest-api-2"));
        Set<String> ports = new TreeSet<>();
        for (String ingest : List.of("ingest-api-1", "ingest-api-2")) {
            List<?> published = (List<?>) COMPOSE.service(ingest).get("ports");
            assertEquals(1, published.size(), ingest);
            Map<?, ?> port = (Map<?, ?>) published.getFirst();
            assertEquals("8080", String.valueOf(port.get("target")), ingest);
            ports.add(String.valueOf(port.get("published")));
        }
        assertEquals(2, ports.size(), "both ingest replicas publish the same host port");
        Map<String, Object> sink = COMPOSE.service("sink-worker");
        assertFalse(sink.containsKey("container_name"), "a fixed container name stops --scale sink-worker=N");
        assertFalse(sink.containsKey("ports"), "a fixed host port stops --scale sink-worker=N");
        assertEquals("2", String.valueOf(ComposeModel.map(sink, "deploy").get("replicas")));
    }

    /** Every service that keeps running is health-checked, and whatever waits for one waits for the right state. */
    @Test
    void everyLongRunningServiceHasAHealthCheckAndDependentsWaitForIt() {
        List<String> problems = new ArrayList<>();
        COMPOSE.services().forEach((name, spec) -> {
            boolean oneShot = "no".equals(String.valueOf(((Map<?, ?>) spec).get("restart")));
            List<?> test = (List<?>) ComposeModel.map(spec, "healthcheck").get("test");
            boolean checked = test != null && !test.isEmpty() && !"NONE".equals(test.getFirst());
            // The collector's image is distroless: nothing in it can run a check (docker-compose.yml says so).
            if (!oneShot && !checked && !name.equals("otel-collector")) {
                problems.add(name + " has no health check");
            }
            COMPOSE.dependsOn(name).forEach((dependency, condition) -> {
                Map<?, ?> target = (Map<?, ?>) COMPOSE.services().get(dependency);
                if (target == null) {
                    problems.add(name + " depends on " + dependency + ", which does not exist");
                } else if (condition.equals("service_completed_successfully") && !"no".equals(String.valueOf(target.get("restart")))) {
                    problems.add(name + " waits for " + dependency + " to complete, which never does");
                } else if (condition.equals("service_healthy") && ComposeModel.map(target, "healthcheck").get("test") == null) {
                    problems.add(name + " waits for " + dependency + " to be healthy, which has no health check");
                }
            });
        });
        KYOYU_SERVICES.forEach((name, module) -> {
            List<?> test = (List<?>) ComposeModel.map(COMPOSE.service(name), "healthcheck").get("test");
            int probe = test.indexOf("HealthProbe");
            String setting = probe < 0 ? null : String.valueOf(test.get(probe + 1));
            if (setting == null || !String.valueOf(test.get(probe + 2)).equals(COMPOSE.environment(name).get(setting))) {
                problems.add(name + " probes " + test + ", not the port its environment gives it");
            }
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void volumesAreNamedAndBindMountsAreReadOnlyFilesOfTheRepository() {
        List<String> problems = new ArrayList<>();
        Set<String> named = COMPOSE.volumes().keySet();
        for (String service : COMPOSE.services().keySet()) {
            for (String volume : COMPOSE.list(service, "volumes")) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (!source.startsWith("/")) {
                    if (!named.contains(source)) {
                        problems.add(service + " mounts volume " + source + ", which is not declared");
                    }
                    continue;
                }
                Path path = Path.of(source);
                if (!path.startsWith(Checkout.path("deploy")) || !volume.endsWith(":ro")) {
                    problems.add(service + " bind-mounts " + volume + ": only read-only files under deploy/");
                }
                // deploy/prometheus and deploy/grafana hold the rules and dashboards, which have tests of their own.
                if (path.startsWith(Checkout.path("deploy/compose")) && !Files.isRegularFile(path)) {
                    problems.add(service + " mounts " + source + ", which does not exist");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** Every published port is set by a variable of its own (.env may move it), with the service's port as default. */
    @Test
    void publishedPortsAreNamedVariables() {
        Matcher ports = Pattern.compile("ports: \\[(.*)]").matcher(Checkout.read("docker-compose.yml"));
        int count = 0;
        while (ports.find()) {
            count++;
            assertTrue(ports.group(1).matches("\"\\$\\{[A-Z0-9_]+_PORT:-\\d+}:\\d+\""), "an unnamed published port: " + ports.group(1));
        }
        assertEquals(5, count, "ingest-api ×2, query-api, Prometheus and Grafana publish ports");
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPortAndLoadsTheAlertRules() {
        Map<String, Object> config = DockerCompose.parse(Checkout.read("deploy/compose/prometheus.yml"));
        Map<String, Map<?, ?>> jobs = new TreeMap<>();
        for (Object job : (List<?>) config.get("scrape_configs")) {
            jobs.put(String.valueOf(((Map<?, ?>) job).get("job_name")), (Map<?, ?>) job);
        }
        Map<String, Set<String>> expected = new TreeMap<>();
        KYOYU_SERVICES.forEach((service, module) -> expected.computeIfAbsent(module, m -> new TreeSet<>())
                .add(service + ":" + ownPort(service)));
        expected.forEach((job, targets) -> {
            Map<?, ?> scrape = jobs.get(job);
            assertTrue(scrape != null, "Prometheus has no job " + job);
            Set<String> found = new TreeSet<>();
            for (Object sd : items(scrape, "static_configs")) {
                ((List<?>) ((Map<?, ?>) sd).get("targets")).forEach(t -> found.add(String.valueOf(t)));
            }
            for (Object sd : items(scrape, "dns_sd_configs")) {
                ((List<?>) ((Map<?, ?>) sd).get("names")).forEach(n -> found.add(n + ":" + ((Map<?, ?>) sd).get("port")));
            }
            assertEquals(targets, found, "job " + job);
        });
        assertTrue(jobs.get("sink-worker").containsKey("dns_sd_configs"), "scaled sink workers are found by DNS, every replica");
        assertEquals(List.of("/etc/prometheus/rules/*.yml"), config.get("rule_files"));
        assertTrue(COMPOSE.list("prometheus", "volumes").contains(Checkout.path("deploy/prometheus/alerts.yml") + ":/etc/prometheus/rules/alerts.yml:ro"));
        List<String> grafana = COMPOSE.list("grafana", "volumes");
        assertTrue(grafana.contains(Checkout.path("deploy/grafana/provisioning") + ":/etc/grafana/provisioning:ro"), grafana.toString());
        assertTrue(grafana.contains(Checkout.path("deploy/grafana/dashboards") + ":/var/lib/grafana/dashboards:ro"), grafana.toString());
    }

    @Test
    void everyServiceSendsItsTracesToTheCollector() {
        Map<String, Object> collector = DockerCompose.parse(Checkout.read("deploy/compose/otel-collector.yaml"));
        Map<String, Object> http = ComposeModel.map(ComposeModel.map(ComposeModel.map(collector, "receivers"), "otlp"), "protocols");
        String endpoint = String.valueOf(ComposeModel.map(http, "http").get("endpoint"));
        assertEquals("0.0.0.0:4318", endpoint);
        Map<String, Object> traces = ComposeModel.map(ComposeModel.map(ComposeModel.map(collector, "service"), "pipelines"), "traces");
        assertEquals(List.of("otlp"), traces.get("receivers"));
        assertTrue(COMPOSE.list("otel-collector", "volumes").contains(Checkout.path("deploy/compose/otel-collector.yaml") + ":/etc/otelcol-contrib/config.yaml:ro"));
        for (String service : KYOYU_SERVICES.keySet()) {
            Map<String, String> env = COMPOSE.environment(service);
            assertEquals("otlp", env.get("OTEL_TRACES_EXPORTER"), service);
            assertEquals("http://otel-collector:4318", env.get("OTEL_EXPORTER_OTLP_ENDPOINT"), service);
            assertEquals("http/protobuf", env.get("OTEL_EXPORTER_OTLP_PROTOCOL"), service);
        }
    }

    /** The containers run these scripts; no engine here, but a syntax error is found without one. */
    @Test
    void theScriptsTheContainersRunParse() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String script : List.of("deploy/compose/kafka-topics.sh", "deploy/compose/postgres-init.sh",
                "deploy/compose/replica-start.sh", "deploy/compose/pgbouncer-start.sh", "deploy/docker/kyoyu-java")) {
            String shell = Checkout.lines(script).getFirst().contains("bash") ? "bash" : "sh";
            Process check = new ProcessBuilder(shell, "-n", Checkout.path(script).toString()).redirectErrorStream(true).start();
            String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (check.waitFor() != 0) {
                problems.add(script + ": " + output.strip());
            }
        }
        assertEquals(List.of(), problems);
    }

    private static List<?> items(Map<?, ?> map, String key) {
        return map.get(key) instanceof List<?> list ? list : List.of();
    }

    /** The port a Kyoyu service listens on: its one KYOYU_*_PORT setting in compose. */
    private static String ownPort(String service) {
        List<String> ports = COMPOSE.environment(service).entrySet().stream()
                .filter(e -> e.getKey().matches("KYOYU_[A-Z]+_PORT")).map(Map.Entry::getValue).toList();
        assertEquals(1, ports.size(), service + " port settings: " + ports);
        return ports.getFirst();
    }

    /** A PgBouncer ini: section to key to value (comments and blank lines skipped). */
    private static Map<String, Map<String, String>> ini(List<String> lines) {
        Map<String, Map<String, String>> sections = new TreeMap<>();
        String section = "";
        for (String raw : lines) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = line.substring(1, line.length() - 1);
            } else if (line.contains("=")) {
                sections.computeIfAbsent(section, s -> new TreeMap<>())
                        .put(line.substring(0, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
            }
        }
        return sections;
    }
}
