package dev.kyoyu.system.deploy.k8s;

import dev.kyoyu.service.config.SettingRead;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What every rendering of deploy/k8s must satisfy, as a list of problems (empty: fine), each naming the object. The
 * Deployments' own checks (probes, resources, security, images, settings) are in {@link DeploymentChecks}.
 *
 * @param imageTag         the tag every Kyoyu image is pinned to ({@link ManifestInputs#imageTag()})
 * @param eventsPartitions the partitions of kyoyu.events.v1: more sink workers than this would idle
 */
record ManifestChecks(String imageTag, int eventsPartitions) {
    /** The keys KEDA's kafka scaler knows that these manifests may use. */
    private static final Set<String> KAFKA_SCALER_KEYS = Set.of("bootstrapServers", "consumerGroup", "topic", "lagThreshold",
            "activationLagThreshold", "offsetResetPolicy", "allowIdleConsumers", "scaleToZeroOnInvalidOffset",
            "excludePersistentLag", "limitToPartitionsWithLag");

    List<String> check(List<K8sObject> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigMap> configMaps = byName(objects, "ConfigMap", ConfigMap.class);
        Map<String, Deployment> deployments = byName(objects, "Deployment", Deployment.class);
        for (KyoyuProcess process : KyoyuProcess.values()) {
            Deployment deployment = deployments.get(process.deployment);
            if (deployment == null) {
                problems.add("Deployment " + process.deployment + " is missing");
            } else {
                new DeploymentChecks(process, deployment, configMaps, imageTag, problems).run();
            }
        }
        byName(objects, "Secret", Secret.class).values().forEach(secret -> secretHoldsNothing(secret, problems));
        configMaps.values().forEach(map -> configMapHoldsNoSecret(map, problems));
        byName(objects, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class).values()
                .forEach(hpa -> hpa(hpa, deployments, problems));
        for (KyoyuProcess process : KyoyuProcess.values()) {
            if (process.api && !byName(objects, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class).containsKey(process.deployment)) {
                problems.add("HorizontalPodAutoscaler " + process.deployment + " is missing: the APIs scale on CPU");
            }
            if (process.api && !byName(objects, "Service", Service.class).containsKey(process.deployment)) {
                problems.add("Service " + process.deployment + " is missing");
            }
        }
        List<ScaledObject> scaledObjects = byName(objects, "ScaledObject", ScaledObject.class).values().stream().toList();
        if (scaledObjects.stream().noneMatch(s -> s.spec() != null && s.spec().scaleTargetRef() != null
                && KyoyuProcess.SINK_WORKER.deployment.equals(s.spec().scaleTargetRef().name()))) {
            problems.add("no ScaledObject scales " + KyoyuProcess.SINK_WORKER.deployment);
        }
        scaledObjects.forEach(scaled -> scaledObject(scaled, objects, deployments, configMaps, problems));
        Map<String, PodDisruptionBudget> budgets = byName(objects, "PodDisruptionBudget", PodDisruptionBudget.class);
        budgets.values().forEach(pdb -> pdb(pdb, deployments, problems));
        deployments.keySet().stream().filter(name -> budgets.values().stream().noneMatch(pdb -> selects(pdb, deployments.get(name))))
                .forEach(name -> problems.add("Deployment " + name + " has no PodDisruptionBudget"));
        byName(objects, "Service", Service.class).values().forEach(service -> service(service, deployments, problems));
        return problems;
    }

    private static void secretHoldsNothing(Secret secret, List<String> problems) {
        if (secret.getData() != null && !secret.getData().isEmpty() || secret.getStringData() != null && !secret.getStringData().isEmpty()) {
            problems.add("Secret " + secret.getMetadata().getName() + " holds values: a Secret may only be referenced, its data"
                    + " created in the cluster");
        }
    }

    /** A secret setting's value in a ConfigMap is a leak even where a secretKeyRef overrides it in the container. */
    private static void configMapHoldsNoSecret(ConfigMap map, List<String> problems) {
        Set<String> secrets = new java.util.TreeSet<>();
        for (KyoyuProcess process : KyoyuProcess.values()) {
            process.settings().stream().filter(read -> read.kind() == SettingRead.Kind.SECRET || read.kind() == SettingRead.Kind.OPTIONAL_SECRET)
                    .forEach(read -> secrets.add(read.name()));
        }
        (map.getData() == null ? Map.<String, String>of() : map.getData()).keySet().stream().filter(secrets::contains)
                .forEach(name -> problems.add("ConfigMap " + map.getMetadata().getName() + " holds " + name
                        + ", a secret: reference a Secret (secretKeyRef) instead"));
    }

    private static void hpa(HorizontalPodAutoscaler hpa, Map<String, Deployment> deployments, List<String> problems) {
        String id = "HorizontalPodAutoscaler " + hpa.getMetadata().getName();
        var target = hpa.getSpec().getScaleTargetRef();
        if (target == null || !"Deployment".equals(target.getKind()) || !deployments.containsKey(target.getName())) {
            problems.add(id + " targets " + (target == null ? "nothing" : target.getKind() + " " + target.getName())
                    + ", which is not a Deployment of the manifests");
        }
        boolean onCpu = hpa.getSpec().getMetrics() != null && hpa.getSpec().getMetrics().stream()
                .anyMatch(m -> "Resource".equals(m.getType()) && m.getResource() != null && "cpu".equals(m.getResource().getName()));
        if (!onCpu) {
            problems.add(id + " does not scale on CPU");
        }
        int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
        if (min < 1 || hpa.getSpec().getMaxReplicas() == null || hpa.getSpec().getMaxReplicas() < min) {
            problems.add(id + ": replicas " + min + ".." + hpa.getSpec().getMaxReplicas() + " is not a range");
        }
    }

    private void scaledObject(ScaledObject scaled, List<K8sObject> objects, Map<String, Deployment> deployments,
                              Map<String, ConfigMap> configMaps, List<String> problems) {
        String id = "ScaledObject " + scaled.metadata().getName();
        ScaledObject.Spec spec = scaled.spec();
        ScaledObject.Target target = spec.scaleTargetRef();
        Deployment deployment = target == null ? null : deployments.get(target.name());
        if (deployment == null || target.kind() != null && !"Deployment".equals(target.kind())) {
            problems.add(id + " targets " + (target == null ? "nothing" : target.name()) + ", which is not a Deployment of the manifests");
            return;
        }
        byName(objects, "HorizontalPodAutoscaler", HorizontalPodAutoscaler.class).values().stream()
                .filter(hpa -> hpa.getSpec().getScaleTargetRef() != null && target.name().equals(hpa.getSpec().getScaleTargetRef().getName()))
                .forEach(hpa -> problems.add(id + ": HorizontalPodAutoscaler " + hpa.getMetadata().getName() + " also scales "
                        + target.name() + " (KEDA makes its own; two would fight)"));
        int min = spec.minReplicaCount() == null ? 0 : spec.minReplicaCount();
        Integer max = spec.maxReplicaCount();
        if (min < 1) {
            problems.add(id + ": minReplicaCount " + min + " may stop every sink worker, and with them the decisions and identities they store");
        }
        if (max == null || max > eventsPartitions || max < min) {
            problems.add(id + ": maxReplicaCount " + max + " must lie between minReplicaCount " + min + " and the "
                    + eventsPartitions + " partitions of the events topic (a worker beyond them gets no partition)");
        }
        List<ScaledObject.Trigger> triggers = spec.triggers() == null ? List.of() : spec.triggers();
        if (triggers.size() != 1 || !"kafka".equals(triggers.getFirst().type())) {
            problems.add(id + " must have exactly one trigger, of type kafka (the consumer group's lag)");
            return;
        }
        Map<String, String> metadata = triggers.getFirst().metadata() == null ? Map.of() : triggers.getFirst().metadata();
        metadata.keySet().stream().filter(key -> !KAFKA_SCALER_KEYS.contains(key))
                .forEach(key -> problems.add(id + ": the kafka trigger has no key " + key));
        ContainerEnvironment env = new ContainerEnvironment(deployment.getSpec().getTemplate().getSpec().getContainers().getFirst(),
                configMaps, new ArrayList<>());
        agrees(id, "bootstrapServers", metadata, env, "KYOYU_KAFKA_BOOTSTRAP", problems);
        agrees(id, "consumerGroup", metadata, env, "KYOYU_SINK_GROUP", problems);
        agrees(id, "topic", metadata, env, "KYOYU_EVENTS_TOPIC", problems);
        String lag = metadata.getOrDefault("lagThreshold", "");
        if (!lag.matches("[1-9][0-9]*")) {
            problems.add(id + ": lagThreshold " + lag + " is not a positive whole number");
        }
        if ("true".equals(metadata.get("allowIdleConsumers"))) {
            problems.add(id + ": allowIdleConsumers=true scales past the partition count");
        }
    }

    /** The trigger's {@code key} must be what the sink itself uses: its setting's value, or the config class's default. */
    private static void agrees(String id, String key, Map<String, String> metadata, ContainerEnvironment env, String setting,
                               List<String> problems) {
        String used = env.literal(setting).orElseGet(() -> KyoyuProcess.SINK_WORKER.setting(setting)
                .map(SettingRead::defaultValue).orElse(null));
        if (!Objects.equals(metadata.get(key), used)) {
            problems.add(id + ": " + key + " " + metadata.get(key) + " is not the sink's " + setting + " (" + used + ")");
        }
    }

    private static void pdb(PodDisruptionBudget pdb, Map<String, Deployment> deployments, List<String> problems) {
        String id = "PodDisruptionBudget " + pdb.getMetadata().getName();
        long matched = deployments.values().stream().filter(d -> selects(pdb, d)).count();
        if (matched != 1) {
            problems.add(id + " selects the pods of " + matched + " Deployments, not one");
        }
        if (pdb.getSpec().getMinAvailable() == null && pdb.getSpec().getMaxUnavailable() == null) {
            problems.add(id + " has neither minAvailable nor maxUnavailable");
        }
    }

    private static boolean selects(PodDisruptionBudget pdb, Deployment deployment) {
        return pdb.getSpec().getSelector() != null && labelsMatch(pdb.getSpec().getSelector().getMatchLabels(), deployment);
    }

    private static void service(Service service, Map<String, Deployment> deployments, List<String> problems) {
        String id = "Service " + service.getMetadata().getName();
        Deployment target = deployments.values().stream().filter(d -> labelsMatch(service.getSpec().getSelector(), d)).findFirst().orElse(null);
        if (target == null) {
            problems.add(id + " selects no Deployment's pods");
            return;
        }
        List<ContainerPort> ports = target.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getPorts() == null ? java.util.stream.Stream.empty() : c.getPorts().stream()).toList();
        for (ServicePort port : service.getSpec().getPorts()) {
            var targetPort = port.getTargetPort();
            boolean found = targetPort != null && ports.stream().anyMatch(p -> targetPort.getStrVal() != null
                    ? targetPort.getStrVal().equals(p.getName()) : Objects.equals(targetPort.getIntVal(), p.getContainerPort()));
            if (!found) {
                problems.add(id + ": port " + port.getPort() + " targets " + (targetPort == null ? "nothing"
                        : targetPort.getStrVal() != null ? targetPort.getStrVal() : targetPort.getIntVal()) + ", which " + target.getMetadata().getName()
                        + "'s containers do not declare");
            }
        }
    }

    /** Non-empty labels, every one on the Deployment's pod template. */
    private static boolean labelsMatch(Map<String, String> selector, Deployment deployment) {
        Map<String, String> labels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        return selector != null && !selector.isEmpty() && labels != null && labels.entrySet().containsAll(selector.entrySet());
    }

    static <T> Map<String, T> byName(List<K8sObject> objects, String kind, Class<T> type) {
        Map<String, T> byName = new LinkedHashMap<>();
        objects.stream().filter(o -> o.kind().equals(kind)).forEach(o -> byName.put(o.name(), o.as(type)));
        return byName;
    }

    /** A container's probe as (path, port) for messages and comparisons. */
    static String describe(Probe probe) {
        HTTPGetAction get = probe == null ? null : probe.getHttpGet();
        return get == null ? "none" : get.getPath() + " on " + get.getPort();
    }
}
