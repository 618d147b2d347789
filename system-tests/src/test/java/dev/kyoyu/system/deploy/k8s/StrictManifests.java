package dev.kyoyu.system.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads Kubernetes YAML into fabric8's kubernetes-model with every unknown field refused. fabric8's classes keep
 * unknown fields in {@code additionalProperties} (a {@code @JsonAnySetter}), which would let a misspelt
 * {@code readinesProbe} through silently whatever FAIL_ON_UNKNOWN_PROPERTIES says; this mapper's introspector
 * ignores every any-setter, so an unknown field fails like on any plain class. Duplicate keys fail too.
 */
final class StrictManifests {
    /** apiVersion/kind to the class it loads into: the kinds deploy/k8s may hold. */
    private static final Map<String, Class<?>> KINDS = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "keda.sh/v1alpha1/ScaledObject", ScaledObject.class);

    static final YAMLMapper MAPPER = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
                    return Boolean.FALSE;
                }
            })
            .build();

    private StrictManifests() {
    }

    /** Every object of a (multi-document) YAML file. */
    static List<K8sObject> load(Path file) {
        try {
            return parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every object of multi-document YAML text; {@code source} names it in errors. */
    static List<K8sObject> parse(String source, String yaml) {
        List<JsonNode> trees;
        try {
            trees = MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(yaml).readAll();
        } catch (JacksonException e) {
            throw new ManifestException(source + ": not readable YAML: " + e.getOriginalMessage());
        }
        List<K8sObject> objects = new ArrayList<>();
        for (JsonNode tree : trees) {
            if (tree != null && !tree.isNull() && !tree.isMissingNode()) {
                objects.add(toObject(source, tree));
            }
        }
        return objects;
    }

    /** One object from its tree; fails naming the source, the object and the field. */
    static K8sObject toObject(String source, JsonNode tree) {
        String apiVersion = tree.path("apiVersion").asString("");
        String kind = tree.path("kind").asString("");
        String name = tree.path("metadata").path("name").asString("");
        Class<?> type = KINDS.get(apiVersion + "/" + kind);
        if (type == null) {
            throw new ManifestException(source + ": " + apiVersion + " " + kind + " " + name
                    + " is not a kind deploy/k8s may hold (" + String.join(", ", KINDS.keySet()) + ")");
        }
        if (name.isEmpty()) {
            throw new ManifestException(source + ": a " + kind + " without metadata.name");
        }
        try {
            return new K8sObject(source, kind, name, tree, MAPPER.treeToValue(tree, type));
        } catch (JacksonException e) {
            throw new ManifestException(source + ": " + kind + " " + name + ": " + e.getOriginalMessage()
                    + " at " + e.getPathReference());
        }
    }

    /** A manifest that cannot be loaded or rendered. */
    static final class ManifestException extends RuntimeException {
        ManifestException(String message) {
            super(message);
        }
    }
}
