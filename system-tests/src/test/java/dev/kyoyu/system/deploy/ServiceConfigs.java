package dev.kyoyu.system.deploy;

import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.ingest.admin.cli.AgentsCliConfig;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.stream.StreamConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Each Kyoyu service module's config loader: the record a process builds from its environment at startup. */
public final class ServiceConfigs {
    /** Module to its config's fromEnv, in ./kyoyu's start order. */
    public static final Map<String, Consumer<Map<String, String>>> BY_MODULE = new LinkedHashMap<>();

    static {
        BY_MODULE.put("ingest-api", IngestConfig::fromEnv);
        BY_MODULE.put("sink-worker", SinkConfig::fromEnv);
        BY_MODULE.put("decision-stream", StreamConfig::fromEnv);
        BY_MODULE.put("embedder", EmbedderConfig::fromEnv);
        BY_MODULE.put("query-api", QueryConfig::fromEnv);
    }

    /** The agents CLI, which runs from the ingest-api image. */
    public static final Consumer<Map<String, String>> AGENTS_CLI = AgentsCliConfig::fromEnv;

    private ServiceConfigs() {
    }

    /** Every setting the loader reads from {@code env}, whether or not the environment satisfies it. */
    public static List<SettingRead> settingsRead(Consumer<Map<String, String>> loader, Map<String, String> env) {
        return SettingRead.recordDuring(() -> {
            try {
                loader.accept(env);
            } catch (RuntimeException problems) {
                // the reads before finish() threw are what counts here
            }
        });
    }
}
