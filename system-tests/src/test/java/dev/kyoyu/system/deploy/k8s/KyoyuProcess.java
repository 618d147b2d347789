package dev.kyoyu.system.deploy.k8s;

import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.stream.StreamConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** The five processes deploy/k8s runs, each a Deployment of the same name, with the config class that reads its settings. */
enum KyoyuProcess {
    INGEST_API("ingest-api", "INGEST", IngestConfig::fromEnv, true),
    QUERY_API("query-api", "QUERY", QueryConfig::fromEnv, true),
    SINK_WORKER("sink-worker", "SINK", SinkConfig::fromEnv, false),
    DECISION_STREAM("decision-stream", "STREAM", StreamConfig::fromEnv, false),
    EMBEDDER("embedder", "EMBEDDER", EmbedderConfig::fromEnv, false);

    final String deployment;
    /** The settings' infix: KYOYU_&lt;prefix&gt;_HOST, _PORT, _MANAGEMENT_PORT. */
    private final String prefix;
    private final Consumer<Map<String, String>> fromEnv;
    /** Whether clients reach it, through a Service. */
    final boolean api;

    KyoyuProcess(String deployment, String prefix, Consumer<Map<String, String>> fromEnv, boolean api) {
        this.deployment = deployment;
        this.prefix = prefix;
        this.fromEnv = fromEnv;
        this.api = api;
    }

    String hostSetting() {
        return "KYOYU_" + prefix + "_HOST";
    }

    String portSetting() {
        return "KYOYU_" + prefix + "_PORT";
    }

    String managementPortSetting() {
        return "KYOYU_" + prefix + "_MANAGEMENT_PORT";
    }

    /** Runs the config class on {@code env}: throws its ConfigException (every problem) when the process would not start. */
    void readConfig(Map<String, String> env) {
        fromEnv.accept(env);
    }

    /** Every setting the config class reads, as it reads them on an empty environment (kinds and defaults). */
    List<SettingRead> settings() {
        return SettingRead.recordDuring(() -> {
            try {
                fromEnv.accept(Map.of());
            } catch (RuntimeException expected) {
                // an empty environment lacks the required settings; the reads before the report are what counts
            }
        });
    }

    Optional<SettingRead> setting(String name) {
        return settings().stream().filter(read -> read.name().equals(name)).findFirst();
    }

    static Optional<KyoyuProcess> ofDeployment(String name) {
        for (KyoyuProcess process : values()) {
            if (process.deployment.equals(name)) {
                return Optional.of(process);
            }
        }
        return Optional.empty();
    }
}
