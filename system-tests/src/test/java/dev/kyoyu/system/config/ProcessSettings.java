package dev.kyoyu.system.config;

import dev.kyoyu.embedder.EmbedderConfig;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.sink.SinkConfig;
import dev.kyoyu.stream.StreamConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every setting each process reads, found by running its config's {@code fromEnv} on an empty environment and
 * recording what its EnvReader read. A process added to Kyoyu gets a line here.
 */
final class ProcessSettings {
    /** In start order, as ./kyoyu starts them; sink-worker's settings are also what {@code ./kyoyu replay} reads. */
    private static final Map<String, Consumer<Map<String, String>>> PROCESSES = new LinkedHashMap<>();

    static {
        PROCESSES.put("ingest-api", IngestConfig::fromEnv);
        PROCESSES.put("sink-worker", SinkConfig::fromEnv);
        PROCESSES.put("decision-stream", StreamConfig::fromEnv);
        PROCESSES.put("embedder", EmbedderConfig::fromEnv);
        PROCESSES.put("query-api", QueryConfig::fromEnv);
    }

    private ProcessSettings() {
    }

    /** Process name to its settings by name (sorted); a setting read twice by one process must agree with itself. */
    static Map<String, Map<String, SettingRead>> read() {
        Map<String, Map<String, SettingRead>> byProcess = new LinkedHashMap<>();
        PROCESSES.forEach((process, fromEnv) -> {
            Map<String, SettingRead> settings = new TreeMap<>();
            for (SettingRead read : SettingRead.recordDuring(() -> readIgnoringMissing(fromEnv))) {
                SettingRead earlier = settings.putIfAbsent(read.name(), read);
                if (earlier != null && !earlier.equals(read)) {
                    throw new AssertionError(process + " reads " + read.name() + " twice, differently: " + earlier + " and " + read);
                }
            }
            byProcess.put(process, settings);
        });
        return byProcess;
    }

    /** An empty environment lacks the required settings; that problem is expected, the reads are what counts. */
    private static void readIgnoringMissing(Consumer<Map<String, String>> fromEnv) {
        try {
            fromEnv.accept(Map.of());
        } catch (ConfigException expected) {
            // every read happened before finish() threw
        }
    }

    /** Setting name to every (process, read) of it, for the checks across processes. */
    static Map<String, Map<String, SettingRead>> byName(Map<String, Map<String, SettingRead>> byProcess) {
        Map<String, Map<String, SettingRead>> byName = new TreeMap<>();
        byProcess.forEach((process, settings) -> settings.values()
                .forEach(read -> byName.computeIfAbsent(read.name(), n -> new LinkedHashMap<>()).put(process, read)));
        return byName;
    }
}
