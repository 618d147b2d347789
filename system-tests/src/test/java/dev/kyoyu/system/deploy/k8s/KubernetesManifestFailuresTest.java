package dev.kyoyu.system.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.system.deploy.k8s.StrictManifests.ManifestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each safeguard of the manifest test can fail: strict loading refuses what Kubernetes would not know, and every check
 * of {@link ManifestChecks} reports a broken copy of the base rendering (one change each, as a strategic-merge patch).
 */
class KubernetesManifestFailuresTest {
    private static final List<K8sObject> BASE = Kustomize.render(ManifestInputs.K8S.resolve("base"));
    private final ManifestChecks checks = new ManifestChecks(ManifestInputs.imageTag(), ManifestInputs.eventsPartitions());

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a misspelt container field       | apps/v1 | Deployment | {template: {spec: {containers: [{name: a, image: x, readinesProbe: {}}]}}} | readinesProbe
            a misspelt probe field           | apps/v1 | Deployment | {template: {spec: {containers: [{name: a, livenessProbe: {httpGett: {}}}]}}} | httpGett
            a field in the wrong place       | apps/v1 | Deployment | {replicas: 1, containers: []} | containers
            an unknown HPA field             | autoscaling/v2 | HorizontalPodAutoscaler | {minReplicas: 1, maxReplicas: 2, targetCPUUtilizationPercentage: 70} | targetCPUUtilizationPercentage
            an unknown budget field          | policy/v1 | PodDisruptionBudget | {maxUnavailable: 1, minAvailble: 1} | minAvailble
            a misspelt ScaledObject field    | keda.sh/v1alpha1 | ScaledObject | {scaleTargetRef: {name: a}, maxReplicas: 3} | maxReplicas
            an unknown trigger field         | keda.sh/v1alpha1 | ScaledObject | {triggers: [{type: kafka, metadata: {}, metdata: {}}]} | metdata
            """)
    @DisplayName("strict loading refuses an unknown field (fabric8 would keep it in additionalProperties)")
    void unknownFieldsAreRefused(String what, String apiVersion, String kind, String spec, String field) {
        String yaml = "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata: {name: a}\nspec: " + spec + "\n";
        ManifestException e = assertThrows(ManifestException.class, () -> StrictManifests.parse("test", yaml));
        assertTrue(e.getMessage().contains(field), e.getMessage());
    }

    @Test
    @DisplayName("strict loading refuses an unknown metadata field, an unknown kind and a key given twice")
    void otherMistakesAreRefused() {
        assertRefused("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, lables: {x: y}}\n", "lables");
        assertRefused("apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n", "not a kind");
        assertRefused("apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n", "not a kind");
        assertRefused("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {A: x, A: y}\n", "Duplicate Object property \"A\"");
    }

    @Test
    @DisplayName("a kustomization field the renderer does not honour, and a patch of an object the base lacks, are refused")
    void kustomizationsStayWithinWhatIsRendered(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources: [" + ManifestInputs.K8S.resolve("base") + "]\nimages: [{name: kyoyu/ingest-api, newTag: latest}]\n");
        assertTrue(assertThrows(ManifestException.class, () -> Kustomize.render(dir)).getMessage().contains("images"));
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
                + "resources: [" + ManifestInputs.K8S.resolve("base") + "]\npatches: [{path: p.yaml}]\n");
        Files.writeString(dir.resolve("p.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ingest-apl}\nspec: {replicas: 3}\n");
        assertTrue(assertThrows(ManifestException.class, () -> Kustomize.render(dir)).getMessage().contains("Deployment ingest-apl"));
    }

    @Test
    @DisplayName("the base as it is passes, so each failure below is the change's doing")
    void theBasePasses() {
        assertEquals(List.of(), checks.check(BASE));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            no readiness probe            | readinessProbe: null | readinessProbe must be GET /health on port http
            liveness on /health           | livenessProbe: {httpGet: {path: /health, port: http}} | livenessProbe must be GET /health/live
            no memory limit               | resources: {limits: {memory: null}} | needs both a request and a limit of memory
            a request above its limit     | resources: {requests: {cpu: '4'}} | requests more cpu
            privilege escalation allowed  | securityContext: {allowPrivilegeEscalation: true} | allowPrivilegeEscalation: false
            capabilities kept             | securityContext: {capabilities: null} | must drop ALL capabilities
            a writable root               | securityContext: {readOnlyRootFilesystem: false} | readOnlyRootFilesystem: true
            no /tmp volume                | volumeMounts: null | writable volume at /tmp
            the latest image              | image: kyoyu/sink-worker:latest | is not pinned
            an image without a tag        | image: kyoyu/sink-worker | has no tag
            another version               | image: kyoyu/sink-worker:0.0.9 | is not the pinned
            a secret written in env       | env: [{name: KYOYU_PG_PASSWORD, value: hunter2hunter2, valueFrom: null}] | KYOYU_PG_PASSWORD is a secret but has a value in env
            a value beside a reference    | env: [{name: KYOYU_PG_PASSWORD, value: hunter2hunter2}] | KYOYU_PG_PASSWORD has both a value and valueFrom
            a value the config refuses    | env: [{name: KYOYU_SINK_BATCH_MAX_EVENTS, value: '0'}] | would not start, its config class says: invalid configuration: KYOYU_SINK_BATCH_MAX_EVENTS=0 is outside 1..100000
            the health port moved         | ports: [{name: http, containerPort: 9000}] | port http is 9000, the process listens on 8082
            a ConfigMap that is not there | envFrom: [{configMapRef: {name: kyoyu-setings}}] | ConfigMap kyoyu-setings, which the manifests do not hold
            """)
    @DisplayName("a broken sink-worker container is reported")
    void brokenContainersAreReported(String what, String containerPatch, String expected) {
        List<K8sObject> broken = patched("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: sink-worker}\n"
                + "spec: {template: {spec: {containers: [{name: sink-worker, " + containerPatch + "}]}}}\n");
        assertProblem(broken, expected);
    }

    @Test
    @DisplayName("a pod running as root, or as nobody in particular, is reported")
    void rootIsReported() {
        assertProblem(patched(deployment("ingest-api", "securityContext: {runAsNonRoot: null}")), "must set runAsNonRoot: true");
        assertProblem(patched(deployment("ingest-api", "securityContext: {runAsUser: null}")), "numeric non-root user");
        assertProblem(patched(deployment("ingest-api", "securityContext: {runAsUser: 0}")), "numeric non-root user");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a required setting missing  | KYOYU_PG_URL: null | KYOYU_PG_URL is required by sink-worker's config class
            a secret in the ConfigMap   | KYOYU_PG_PASSWORD: s3cret-s3cret | ConfigMap kyoyu-settings holds KYOYU_PG_PASSWORD, a secret
            a loopback listener         | KYOYU_QUERY_HOST: 127.0.0.1 | KYOYU_QUERY_HOST is 127.0.0.1
            metrics moved, not announced | KYOYU_EMBEDDER_MANAGEMENT_PORT: '9500' | prometheus.io/port is 9464, /metrics is on 9500
            state outside the volumes   | KYOYU_STREAM_STATE_DIR: /var/lib/other | KYOYU_STREAM_STATE_DIR /var/lib/other is on no writable volume
            another consumer group      | KYOYU_SINK_GROUP: kyoyu-sink-2 | consumerGroup kyoyu-sink is not the sink's KYOYU_SINK_GROUP (kyoyu-sink-2)
            another bootstrap           | KYOYU_KAFKA_BOOTSTRAP: kafka:9092 | bootstrapServers kyoyu-kafka-bootstrap:9092 is not the sink's KYOYU_KAFKA_BOOTSTRAP
            """)
    @DisplayName("a broken setting in kyoyu-settings is reported")
    void brokenSettingsAreReported(String what, String setting, String expected) {
        assertProblem(patched("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kyoyu-settings}\ndata: {" + setting + "}\n"), expected);
    }

    @Test
    @DisplayName("the token keys are required of ingest-api although neither is a plain required setting")
    void tokenKeysAreRequired() {
        assertProblem(patched(deployment("ingest-api", "containers: [{name: ingest-api, env: [{name: KYOYU_TOKEN_SIGNING_KEY, "
                + "valueFrom: {secretKeyRef: {name: kyoyu-tokens, key: signing-key, optional: true}}}]}]")),
                "KYOYU_TOKEN_SIGNING_KEY is required");
    }

    @Test
    @DisplayName("sink workers beyond the partitions, or none at all, or a second autoscaler on them, are reported")
    void scalingMistakesAreReported() {
        int partitions = ManifestInputs.eventsPartitions();
        assertProblem(patched(scaledObject("maxReplicaCount: " + (partitions + 1))), "maxReplicaCount " + (partitions + 1) + " must lie between");
        assertProblem(patched(scaledObject("minReplicaCount: 0")), "minReplicaCount 0 may stop every sink worker");
        assertProblem(patched(scaledObject("scaleTargetRef: {name: sink-workers}")), "targets sink-workers, which is not a Deployment");
        assertProblem(patched(scaledObject("triggers: [{type: kafka, metadata: {bootstrapServers: kyoyu-kafka-bootstrap:9092, "
                + "consumerGroup: kyoyu-sink, topic: kyoyu.events.v1, lagThreshold: '0', allowIdleConsumers: 'true', lagTreshold: '5'}}]")),
                "lagThreshold 0 is not a positive whole number", "allowIdleConsumers=true", "has no key lagTreshold");
        assertProblem(patched(scaledObject("triggers: [{type: cpu, metadata: {}}]")), "exactly one trigger, of type kafka");
        assertProblem(plus(hpa("sink-worker", "sink-worker")), "also scales sink-worker");
        assertProblem(without("ScaledObject", "sink-worker"), "no ScaledObject scales sink-worker");
    }

    @Test
    @DisplayName("an autoscaler of nothing, a missing API autoscaler, a stray budget and a Service off target are reported")
    void targetsAreChecked() {
        assertProblem(plus(hpa("extra", "query-apl")), "targets Deployment query-apl, which is not a Deployment of the manifests");
        assertProblem(without("HorizontalPodAutoscaler", "ingest-api"), "HorizontalPodAutoscaler ingest-api is missing");
        assertProblem(patched("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: embedder}\n"
                + "spec: {selector: {matchLabels: {app.kubernetes.io/name: embeder}}}\n"),
                "PodDisruptionBudget embedder selects the pods of 0 Deployments", "Deployment embedder has no PodDisruptionBudget");
        assertProblem(patched("apiVersion: v1\nkind: Service\nmetadata: {name: query-api}\n"
                + "spec: {ports: [{name: http, port: 8081, targetPort: web}]}\n"), "targets web, which query-api's containers do not declare");
        assertProblem(without("Deployment", "embedder"), "Deployment embedder is missing");
    }

    @Test
    @DisplayName("a Secret holding a value is reported; one holding nothing passes")
    void secretsHoldNoValues() {
        assertProblem(plus("apiVersion: v1\nkind: Secret\nmetadata: {name: kyoyu-postgres}\nstringData: {password: hunter2}\n"),
                "Secret kyoyu-postgres holds values");
        assertProblem(plus("apiVersion: v1\nkind: Secret\nmetadata: {name: kyoyu-postgres}\ndata: {password: aHVudGVyMg==}\n"),
                "Secret kyoyu-postgres holds values");
        assertEquals(List.of(), checks.check(plus("apiVersion: v1\nkind: Secret\nmetadata: {name: kyoyu-postgres}\ntype: Opaque\n")));
    }

    private static String deployment(String name, String podSpec) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name + "}\nspec: {template: {spec: {" + podSpec + "}}}\n";
    }

    private static String scaledObject(String spec) {
        return "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata: {name: sink-worker}\nspec: {" + spec + "}\n";
    }

    private static String hpa(String name, String target) {
        return "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: " + name + "}\nspec: {scaleTargetRef: "
                + "{apiVersion: apps/v1, kind: Deployment, name: " + target + "}, minReplicas: 1, maxReplicas: 2, metrics: [{type: Resource, "
                + "resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]}\n";
    }

    /** The base with {@code yaml}'s partial objects merged into the ones they name. */
    private static List<K8sObject> patched(String yaml) {
        List<K8sObject> objects = new ArrayList<>(BASE);
        StrictManifests.parse("test patch", yaml).forEach(patch -> Kustomize.apply(objects, patch));
        return objects;
    }

    private static List<K8sObject> plus(String yaml) {
        List<K8sObject> objects = new ArrayList<>(BASE);
        objects.addAll(StrictManifests.parse("test object", yaml));
        return objects;
    }

    private static List<K8sObject> without(String kind, String name) {
        return BASE.stream().filter(o -> !(o.kind().equals(kind) && o.name().equals(name))).toList();
    }

    private void assertProblem(List<K8sObject> objects, String... expected) {
        List<String> problems = checks.check(objects);
        for (String fragment : expected) {
            assertTrue(problems.stream().anyMatch(p -> p.contains(fragment)), "expected a problem with \"" + fragment + "\", got " + problems);
        }
    }

    private static void assertRefused(String yaml, String mention) {
        ManifestException e = assertThrows(ManifestException.class, () -> StrictManifests.parse("test", yaml));
        assertTrue(e.getMessage().contains(mention), e.getMessage());
    }
}
