package dev.kyoyu.system.deploy.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The environment a container would get, resolved from its {@code envFrom} ConfigMaps and {@code env} entries against
 * the ConfigMaps of the same rendering (later entries win, as in Kubernetes). Secrets are not resolved, only
 * recorded as references: no value of theirs is in the repository.
 */
final class ContainerEnvironment {
    /** Where one variable's value comes from. */
    sealed interface Source permits Literal, FromSecret {
    }

    /** A value in the manifests: written in {@code env} or taken from a ConfigMap key. */
    record Literal(String value, String from) implements Source {
    }

    /** A Secret's key, resolved only in the cluster; an optional one may be absent. */
    record FromSecret(String secret, String key, boolean optional) implements Source {
    }

    final Map<String, Source> variables = new LinkedHashMap<>();
    /** References that cannot resolve: a missing ConfigMap or key, an envFrom of a Secret (its keys are unknown here). */
    final List<String> problems;

    ContainerEnvironment(Container container, Map<String, ConfigMap> configMaps, List<String> problems) {
        this.problems = problems;
        for (EnvFromSource from : orEmpty(container.getEnvFrom())) {
            if (from.getSecretRef() != null) {
                problems.add("envFrom secretRef " + from.getSecretRef().getName()
                        + ": which settings it holds cannot be checked; reference each key with secretKeyRef");
            }
            if (from.getConfigMapRef() != null) {
                String name = from.getConfigMapRef().getName();
                ConfigMap map = configMaps.get(name);
                if (map == null) {
                    problems.add("envFrom names ConfigMap " + name + ", which the manifests do not hold");
                } else if (map.getData() != null) {
                    String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                    map.getData().forEach((key, value) -> variables.put(prefix + key, new Literal(value, "ConfigMap " + name)));
                }
            }
        }
        for (EnvVar variable : orEmpty(container.getEnv())) {
            resolve(variable, configMaps).ifPresent(source -> variables.put(variable.getName(), source));
        }
    }

    private Optional<Source> resolve(EnvVar variable, Map<String, ConfigMap> configMaps) {
        if (variable.getValue() != null && variable.getValueFrom() != null) {
            problems.add(variable.getName() + " has both a value and valueFrom, which Kubernetes refuses");
        }
        if (variable.getValueFrom() == null) {
            return Optional.of(new Literal(variable.getValue() == null ? "" : variable.getValue(), "env"));
        }
        SecretKeySelector secret = variable.getValueFrom().getSecretKeyRef();
        if (secret != null) {
            return Optional.of(new FromSecret(secret.getName(), secret.getKey(), Boolean.TRUE.equals(secret.getOptional())));
        }
        ConfigMapKeySelector key = variable.getValueFrom().getConfigMapKeyRef();
        if (key != null) {
            ConfigMap map = configMaps.get(key.getName());
            String value = map == null || map.getData() == null ? null : map.getData().get(key.getKey());
            if (value == null) {
                problems.add(variable.getName() + " names key " + key.getKey() + " of ConfigMap " + key.getName()
                        + ", which the manifests do not hold");
                return Optional.empty();
            }
            return Optional.of(new Literal(value, "ConfigMap " + key.getName()));
        }
        problems.add(variable.getName() + " comes from a field or resource reference, which no Kyoyu setting should");
        return Optional.empty();
    }

    /** The value written in the manifests, if the variable has one there. */
    Optional<String> literal(String name) {
        return variables.get(name) instanceof Literal literal ? Optional.of(literal.value()) : Optional.empty();
    }

    /** Set for sure: a literal, or a Secret key that is not optional. */
    boolean provides(String name) {
        Source source = variables.get(name);
        return source instanceof Literal || source instanceof FromSecret secret && !secret.optional();
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
