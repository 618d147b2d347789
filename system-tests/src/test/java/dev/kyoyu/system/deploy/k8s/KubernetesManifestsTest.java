package dev.kyoyu.system.deploy.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * deploy/k8s, loaded strictly into fabric8's kubernetes-model (KEDA's ScaledObject into {@link ScaledObject}), rendered
 * (base and both overlays) and checked ({@link ManifestChecks}); no cluster involved. Where kubectl is installed,
 * kustomize's own rendering is loaded the same way and must equal this test's.
 */
class KubernetesManifestsTest {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesManifestsTest.class);
    private static final List<String> RENDERINGS = List.of("base", "overlays/local", "overlays/prod");

    private final ManifestChecks checks = new ManifestChecks(ManifestInputs.imageTag(), ManifestInputs.eventsPartitions());

    @Test
    @DisplayName("every manifest and patch file under deploy/k8s loads strictly into a known kind")
    void everyFileLoadsStrictly() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(ManifestInputs.K8S)) {
            files = walk.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 10, "found only " + files);
        for (Path file : files) {
            assertFalse(StrictManifests.load(file).isEmpty(), file + " holds no object");
        }
    }

    @ParameterizedTest(name = "deploy/k8s/{0}")
    @ValueSource(strings = {"base", "overlays/local", "overlays/prod"})
    @DisplayName("each rendering passes every check: probes, resources, non-root, pinned images, settings, scaling, budgets")
    void renderingPassesEveryCheck(String directory) {
        List<K8sObject> objects = Kustomize.render(ManifestInputs.K8S.resolve(directory));
        assertEquals(List.of(), checks.check(objects));
    }

    @Test
    @DisplayName("the overlays run the very images the base pins, and change what they are for")
    void overlaysKeepTheBaseImages() {
        Map<String, String> base = images(Kustomize.render(ManifestInputs.K8S.resolve("base")));
        assertEquals(KyoyuProcess.values().length, base.size());
        for (String overlay : List.of("overlays/local", "overlays/prod")) {
            assertEquals(base, images(Kustomize.render(ManifestInputs.K8S.resolve(overlay))), overlay);
        }
        Map<String, Deployment> local = ManifestChecks.byName(Kustomize.render(ManifestInputs.K8S.resolve("overlays/local")), "Deployment", Deployment.class);
        Map<String, Deployment> prod = ManifestChecks.byName(Kustomize.render(ManifestInputs.K8S.resolve("overlays/prod")), "Deployment", Deployment.class);
        local.values().forEach(d -> assertEquals(1, d.getSpec().getReplicas(), d.getMetadata().getName()));
        prod.values().forEach(d -> assertTrue(d.getSpec().getReplicas() >= 2
                && !d.getSpec().getTemplate().getSpec().getTopologySpreadConstraints().isEmpty(), d.getMetadata().getName()));
    }

    @Test
    @DisplayName("the events topic's partition count is read from the launcher, and the ScaledObject's cap is that count in prod")
    void sinkWorkersAreCappedAtThePartitions() {
        int partitions = ManifestInputs.eventsPartitions();
        assertTrue(partitions >= 1);
        ScaledObject prod = ManifestChecks.byName(Kustomize.render(ManifestInputs.K8S.resolve("overlays/prod")), "ScaledObject", ScaledObject.class)
                .get("sink-worker");
        assertEquals(partitions, prod.spec().maxReplicaCount());
    }

    @Test
    @DisplayName("where kubectl is installed, kustomize renders each directory to the same objects as this test")
    void kustomizeAgrees() throws Exception {
        Assumptions.assumeTrue(kubectlPresent(), "kubectl is not installed (a fresh machine has none): kustomize's own rendering not compared");
        for (String directory : RENDERINGS) {
            Path out = Files.createTempFile("kyoyu-kustomize-", ".yaml");
            try {
                Process kubectl = new ProcessBuilder("kubectl", "kustomize", ManifestInputs.K8S.resolve(directory).toString())
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.PIPE).start();
                String errors = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
                assertEquals(0, kubectl.exitValue(), "kubectl kustomize " + directory + ": " + errors);
                List<K8sObject> theirs = StrictManifests.load(out);
                assertEquals(List.of(), checks.check(theirs), directory + " as kustomize renders it");
                assertEquals(trees(Kustomize.render(ManifestInputs.K8S.resolve(directory))), trees(theirs), directory);
            } finally {
                Files.deleteIfExists(out);
            }
        }
    }

    private static boolean kubectlPresent() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            LOG.info("kubectl not found ({}): the comparison with kustomize is skipped", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Map<String, JsonNode> trees(List<K8sObject> objects) {
        Map<String, JsonNode> trees = new TreeMap<>();
        objects.forEach(o -> trees.put(o.id(), o.tree()));
        return trees;
    }

    private static Map<String, String> images(List<K8sObject> objects) {
        Map<String, String> images = new TreeMap<>();
        ManifestChecks.byName(objects, "Deployment", Deployment.class).forEach((name, d) -> d.getSpec().getTemplate().getSpec()
                .getContainers().forEach(c -> images.put(name + "/" + c.getName(), c.getImage())));
        return images;
    }
}
