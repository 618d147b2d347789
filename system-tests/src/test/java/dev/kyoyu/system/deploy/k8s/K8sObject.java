package dev.kyoyu.system.deploy.k8s;

import tools.jackson.databind.JsonNode;

/**
 * One Kubernetes object of a manifest: where it came from, its tree as written (what a patch merges into) and the
 * typed object it loaded into (a fabric8 model class, or {@link ScaledObject}).
 */
record K8sObject(String source, String kind, String name, JsonNode tree, Object model) {
    <T> T as(Class<T> type) {
        return type.cast(model);
    }

    String id() {
        return kind + " " + name;
    }
}
