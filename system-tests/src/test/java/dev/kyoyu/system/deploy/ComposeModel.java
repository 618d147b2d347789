package dev.kyoyu.system.deploy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** docker-compose.yml as {@code docker-compose config} resolved it: typed reads of the parts the tests check. */
record ComposeModel(Map<String, Object> root) {
    /** docker-compose.yml's services that run a Kyoyu service's image, to the module (Dockerfile target) it runs. */
    static final Map<String, String> KYOYU_SERVICES = kyoyuServices();

    private static Map<String, String> kyoyuServices() {
        Map<String, String> services = new LinkedHashMap<>();
        services.put("ingest-api-1", "ingest-api");
        services.put("ingest-api-2", "ingest-api");
        services.put("sink-worker", "sink-worker");
        services.put("decision-stream", "decision-stream");
        services.put("embedder", "embedder");
        services.put("query-api", "query-api");
        return Collections.unmodifiableMap(services);
    }

    Map<String, Object> services() {
        return map(root, "services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> service = map(services(), name);
        if (service.isEmpty()) {
            throw new AssertionError("docker-compose.yml has no service " + name);
        }
        return service;
    }

    /** The service's environment (every value as text; compose writes numbers and booleans as it found them). */
    Map<String, String> environment(String service) {
        Map<String, String> env = new TreeMap<>();
        map(service(service), "environment").forEach((name, value) -> env.put(name, value == null ? "" : String.valueOf(value)));
        return env;
    }

    String image(String service) {
        return String.valueOf(service(service).get("image"));
    }

    List<String> list(String service, String key) {
        Object value = service(service).get(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }

    /** depends_on: dependency to its condition. */
    Map<String, String> dependsOn(String service) {
        Map<String, String> conditions = new LinkedHashMap<>();
        map(service(service), "depends_on").forEach((name, spec) -> conditions.put(name,
                spec instanceof Map<?, ?> m ? String.valueOf(m.get("condition")) : "service_started"));
        return conditions;
    }

    Map<String, Object> volumes() {
        return map(root, "volumes");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object parent, String key) {
        if (parent instanceof Map<?, ?> m && m.get(key) instanceof Map<?, ?> child) {
            return (Map<String, Object>) child;
        }
        return Map.of();
    }
}
