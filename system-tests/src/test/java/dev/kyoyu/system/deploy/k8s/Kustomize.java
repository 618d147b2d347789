package dev.kyoyu.system.deploy.k8s;

import dev.kyoyu.system.deploy.k8s.StrictManifests.ManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders a deploy/k8s directory the way {@code kubectl kustomize} does, as far as Kyoyu's kustomizations go:
 * {@code resources} (files and directories) and {@code patches} that are files of partial objects (strategic merge:
 * maps merge, lists of named items merge by name, other lists and scalars are replaced, null deletes). A field this
 * reader does not know in a kustomization.yaml fails, so the manifests cannot outgrow what the test renders.
 * Where kubectl is installed, KubernetesManifestsTest checks that kustomize itself renders the same objects.
 */
final class Kustomize {
    /** The fields of a kustomization.yaml this renderer honours; anything else is refused when loading. */
    record Kustomization(String apiVersion, String kind, List<String> resources, List<PatchFile> patches) {
    }

    record PatchFile(String path) {
    }

    private Kustomize() {
    }

    /** The objects a kustomization directory renders to, in order. */
    static List<K8sObject> render(Path directory) {
        Kustomization kustomization = read(directory.resolve("kustomization.yaml"));
        List<K8sObject> objects = new ArrayList<>();
        for (String resource : orEmpty(kustomization.resources())) {
            Path path = directory.resolve(resource).normalize();
            objects.addAll(Files.isDirectory(path) ? render(path) : StrictManifests.load(path));
        }
        for (PatchFile patch : orEmpty(kustomization.patches())) {
            for (K8sObject partial : StrictManifests.load(directory.resolve(patch.path()))) {
                apply(objects, partial);
            }
        }
        return objects;
    }

    /** Replaces the one object {@code patch} targets (same kind and name) with the merge; fails if there is none. */
    static void apply(List<K8sObject> objects, K8sObject patch) {
        for (int i = 0; i < objects.size(); i++) {
            K8sObject target = objects.get(i);
            if (target.kind().equals(patch.kind()) && target.name().equals(patch.name())) {
                objects.set(i, StrictManifests.toObject(target.source() + " + " + patch.source(), merge(target.tree(), patch.tree())));
                return;
            }
        }
        throw new ManifestException(patch.source() + ": patches " + patch.id() + ", which the resources do not hold");
    }

    /** Strategic merge of {@code patch} into {@code base}, as far as Kyoyu's patches need it; neither is changed. */
    static JsonNode merge(JsonNode base, JsonNode patch) {
        if (base instanceof ObjectNode baseObject && patch instanceof ObjectNode patchObject) {
            ObjectNode merged = baseObject.deepCopy();
            for (Map.Entry<String, JsonNode> field : patchObject.properties()) {
                JsonNode value = field.getValue();
                if (value.isNull()) {
                    merged.remove(field.getKey());
                } else {
                    JsonNode existing = merged.get(field.getKey());
                    merged.set(field.getKey(), existing == null ? value.deepCopy() : merge(existing, value));
                }
            }
            return merged;
        }
        if (base instanceof ArrayNode baseList && patch instanceof ArrayNode patchList && named(baseList) && named(patchList)) {
            ArrayNode merged = baseList.deepCopy();
            for (JsonNode item : patchList) {
                int at = indexOfName(merged, item.get("name").asString());
                if (at < 0) {
                    merged.add(item.deepCopy());
                } else {
                    merged.set(at, merge(merged.get(at), item));
                }
            }
            return merged;
        }
        return patch.deepCopy();
    }

    private static boolean named(ArrayNode list) {
        for (JsonNode item : list) {
            if (!item.isObject() || !item.path("name").isString()) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfName(ArrayNode list, String name) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).get("name").asString().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static Kustomization read(Path file) {
        try {
            return StrictManifests.MAPPER.readValue(file, Kustomization.class);
        } catch (JacksonException e) {
            throw new ManifestException(file + ": " + e.getOriginalMessage() + " (this test renders resources and patches only)");
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
