package dev.kyoyu.system.deploy.k8s;

import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.system.deploy.k8s.ContainerEnvironment.FromSecret;
import dev.kyoyu.system.deploy.k8s.ContainerEnvironment.Literal;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One Kyoyu Deployment: probes, resources, security, its pinned image and the settings its config class needs. */
final class DeploymentChecks {
    /** Token keys stand in for the Secrets' values when the config class is run on a container's environment. */
    private static final Map<String, String> TOKEN_KEYS = tokenKeys();

    private final KyoyuProcess process;
    private final Deployment deployment;
    private final Map<String, ConfigMap> configMaps;
    private final String imageTag;
    private final List<String> problems;

    DeploymentChecks(KyoyuProcess process, Deployment deployment, Map<String, ConfigMap> configMaps, String imageTag,
                     List<String> problems) {
        this.process = process;
        this.deployment = deployment;
        this.configMaps = configMaps;
        this.imageTag = imageTag;
        this.problems = problems;
    }

    void run() {
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        List<Container> containers = pod.getContainers();
        if (containers == null || containers.size() != 1 || !process.deployment.equals(containers.getFirst().getName())) {
            problem("must run exactly one container, named " + process.deployment);
            return;
        }
        Container container = containers.getFirst();
        image(container);
        probes(container);
        resources(container);
        security(pod, container);
        ContainerEnvironment env = new ContainerEnvironment(container, configMaps, new java.util.ArrayList<>());
        env.problems.forEach(this::problem);
        settings(env);
        ports(container, env);
        writablePaths(pod, container, env);
    }

    private void image(Container container) {
        String expected = "kyoyu/" + process.deployment + ":" + imageTag;
        String image = container.getImage();
        if (image == null || !image.substring(image.lastIndexOf('/') + 1).contains(":")) {
            problem("image " + image + " has no tag: pin it (" + expected + ")");
        } else if (image.endsWith(":latest")) {
            problem("image " + image + " is not pinned: latest moves");
        } else if (!image.equals(expected)) {
            problem("image " + image + " is not the pinned " + expected);
        }
    }

    private void probes(Container container) {
        probe("readinessProbe", container.getReadinessProbe(), "/health");
        probe("livenessProbe", container.getLivenessProbe(), "/health/live");
        if (container.getStartupProbe() != null) {
            probe("startupProbe", container.getStartupProbe(), "/health/live");
        }
    }

    private void probe(String which, Probe probe, String path) {
        if (probe == null || probe.getHttpGet() == null || !path.equals(probe.getHttpGet().getPath())
                || !new IntOrString("http").equals(probe.getHttpGet().getPort())) {
            problem(which + " must be GET " + path + " on port http, not " + ManifestChecks.describe(probe));
        }
    }

    private void resources(Container container) {
        var resources = container.getResources();
        Map<String, Quantity> requests = resources == null || resources.getRequests() == null ? Map.of() : resources.getRequests();
        Map<String, Quantity> limits = resources == null || resources.getLimits() == null ? Map.of() : resources.getLimits();
        for (String resource : List.of("cpu", "memory")) {
            Quantity request = requests.get(resource);
            Quantity limit = limits.get(resource);
            if (request == null || limit == null) {
                problem("needs both a request and a limit of " + resource);
            } else if (request.getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
                problem("requests more " + resource + " (" + request + ") than its limit (" + limit + ")");
            }
        }
    }

    private void security(PodSpec pod, Container container) {
        PodSecurityContext podContext = Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
        SecurityContext context = Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
        Boolean nonRoot = context.getRunAsNonRoot() != null ? context.getRunAsNonRoot() : podContext.getRunAsNonRoot();
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : podContext.getRunAsUser();
        if (!Boolean.TRUE.equals(nonRoot)) {
            problem("must set runAsNonRoot: true");
        }
        if (user == null || user == 0) {
            problem("must run as a numeric non-root user (runAsUser), so runAsNonRoot can be verified whatever the image says");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            problem("must set allowPrivilegeEscalation: false");
        }
        if (context.getCapabilities() == null || context.getCapabilities().getDrop() == null
                || !context.getCapabilities().getDrop().contains("ALL")) {
            problem("must drop ALL capabilities");
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            problem("must set readOnlyRootFilesystem: true (writable paths are emptyDir mounts)");
        }
    }

    /**
     * Every setting the config class requires is set (a Secret's only if it is not optional), no secret setting has a
     * value in the manifests, and the config class accepts the environment as a whole.
     */
    private void settings(ContainerEnvironment env) {
        for (SettingRead read : process.settings()) {
            boolean required = read.kind() == SettingRead.Kind.REQUIRED || read.kind() == SettingRead.Kind.SECRET;
            if (required && !env.provides(read.name())) {
                problem(read.name() + " is required by " + process.deployment + "'s config class; give it a ConfigMap key or a secretKeyRef");
            }
            boolean secret = read.kind() == SettingRead.Kind.SECRET || read.kind() == SettingRead.Kind.OPTIONAL_SECRET;
            if (secret && env.variables.get(read.name()) instanceof Literal literal) {
                problem(read.name() + " is a secret but has a value in " + literal.from() + "; reference a Secret (secretKeyRef)");
            }
        }
        Map<String, String> values = new HashMap<>();
        env.variables.forEach((name, source) -> {
            if (source instanceof Literal literal) {
                values.put(name, literal.value());
            } else if (source instanceof FromSecret fromSecret && !fromSecret.optional()) {
                values.put(name, TOKEN_KEYS.getOrDefault(name, "x".repeat(48)));
            }
        });
        try {
            process.readConfig(values);
        } catch (ConfigException e) {
            problem("would not start, its config class says: " + e.getMessage().replaceAll("\\s*\\n\\s*-?\\s*", " "));
        }
        String host = env.literal(process.hostSetting()).orElse("127.0.0.1");
        if (!host.equals("0.0.0.0") && !host.equals("::")) {
            problem(process.hostSetting() + " is " + host + ": the probes and the Service reach the pod's address, set 0.0.0.0");
        }
    }

    /** Port http is the process's port, port metrics its management port, and Prometheus is told the latter. */
    private void ports(Container container, ContainerEnvironment env) {
        Map<String, Integer> declared = new HashMap<>();
        for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
            declared.put(port.getName(), port.getContainerPort());
        }
        String port = env.literal(process.portSetting())
                .orElseGet(() -> process.setting(process.portSetting()).map(SettingRead::defaultValue).orElse(null));
        if (!Objects.equals(declared.get("http"), port == null ? null : Integer.valueOf(port))) {
            problem("port http is " + declared.get("http") + ", the process listens on " + port + " (" + process.portSetting() + ")");
        }
        String management = env.literal(process.managementPortSetting()).orElse(port);
        String annotated = Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
                .map(a -> a.get("prometheus.io/port")).orElse(null);
        if (!Objects.equals(management, annotated)) {
            problem("prometheus.io/port is " + annotated + ", /metrics is on " + management + " (" + process.managementPortSetting() + ")");
        }
        if (!management.equals(port) && !Objects.equals(declared.get("metrics"), Integer.valueOf(management))) {
            problem("port metrics is " + declared.get("metrics") + ", /metrics is on " + management);
        }
    }

    /** With a read-only root, java.io.tmpdir and the stream's state directory must be on mounted volumes. */
    private void writablePaths(PodSpec pod, Container container, ContainerEnvironment env) {
        List<String> volumes = pod.getVolumes() == null ? List.of() : pod.getVolumes().stream().map(Volume::getName).toList();
        List<VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
        mounts.stream().filter(m -> !volumes.contains(m.getName()))
                .forEach(m -> problem("mounts volume " + m.getName() + ", which the pod does not have"));
        List<String> writable = mounts.stream().filter(m -> !Boolean.TRUE.equals(m.getReadOnly())).map(VolumeMount::getMountPath).toList();
        if (!writable.contains("/tmp")) {
            problem("needs a writable volume at /tmp: the JVM and native libraries unpack there");
        }
        if (process == KyoyuProcess.DECISION_STREAM) {
            String stateDir = env.literal("KYOYU_STREAM_STATE_DIR").orElse("/tmp/kyoyu-decision-stream");
            if (writable.stream().noneMatch(path -> stateDir.equals(path) || stateDir.startsWith(path + "/"))) {
                problem("KYOYU_STREAM_STATE_DIR " + stateDir + " is on no writable volume");
            }
        }
    }

    private void problem(String text) {
        problems.add("Deployment " + process.deployment + ": " + text);
    }

    private static Map<String, String> tokenKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            Base64.Encoder base64 = Base64.getEncoder();
            return Map.of("KYOYU_TOKEN_SIGNING_KEY", "k8s-test:" + base64.encodeToString(pair.getPrivate().getEncoded()),
                    "KYOYU_TOKEN_VERIFY_KEYS", "k8s-test:" + base64.encodeToString(pair.getPublic().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK makes P-256 keys", e);
        }
    }
}
