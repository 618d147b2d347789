package dev.kyoyu.system.deploy.k8s;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.List;
import java.util.Map;

/**
 * KEDA's ScaledObject (keda.sh/v1alpha1), which fabric8's model does not have: the fields of KEDA's schema that
 * Kyoyu's manifests may use, as records, so loading it with unknown fields refused catches a misspelt field the way
 * fabric8's classes do for the built-in kinds. A trigger's metadata is a free string map in KEDA; the kafka
 * scaler's keys are checked by {@link ManifestChecks}.
 */
record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {
    record Spec(Target scaleTargetRef, Integer pollingInterval, Integer cooldownPeriod, Integer minReplicaCount,
                Integer maxReplicaCount, List<Trigger> triggers) {
    }

    /** KEDA's default kind is a Deployment of apps/v1. */
    record Target(String apiVersion, String kind, String name) {
    }

    record Trigger(String type, String name, Map<String, String> metadata) {
    }
}
