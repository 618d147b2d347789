package dev.kyoyu.system.config;

import dev.kyoyu.service.config.ConfigException;
import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.system.deploy.ServiceConfigs;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Every setting each process reads, found by running its config's {@code fromEnv} on an empty environment and
 * recording what its EnvReader read. A process added to Kyoyu gets a line in ServiceConfigs.
 */
final class ProcessSettings {
    /** In start order, as ./kyoyu starts them; sink-worker's settings are also what {@code ./kyoyu replay} reads. */
    private static final Map<String, Consumer<Map<String, String>>> PROCESSES = new LinkedHashMap<>();

    static {
        PROCESSES.putAll(ServiceConfigs.BY_MODULE);
        PROCESSES.put("agents CLI", ServiceConfigs.AGENTS_CLI);
    }

    private ProcessSettings() {
    }

    /** Process name to its settings by name (sorted); a setting read twice by one process must agree with itself. */
    static Map<String, Map<String, SettingRead>> read() {
        Map<String, Map<String, SettingRead>> byProcess = new LinkedHashMap<>();
        PROCESSES.forEach((process, fromEnv) -> {
            Map<String, SettingRead> settings = new TreeMap<>();
            for (SettingRead read : readWithRequiredSet(process, fromEnv)) {
                SettingRead earlier = settings.putIfAbsent(read.name(), read);
                if (earlier != null && !earlier.equals(read)) {
                    throw new AssertionError(process + " reads " + read.name() + " twice, differently: " + earlier + " and " + read);
                }
            }
            byProcess.put(process, settings);
        });
        return byProcess;
    }

    /**
     * Reads once on an empty environment to learn the required settings, then again with each of them set (to its
     * example, or a long enough secret), so that no config stops early for want of one. Defaults are the same both
     * times: no default depends on a required setting.
     */
    private static List<SettingRead> readWithRequiredSet(String process, Consumer<Map<String, String>> fromEnv) {
        Map<String, String> env = new HashMap<>();
        for (SettingRead read : ServiceConfigs.settingsRead(fromEnv, Map.of())) {
            switch (read.kind()) {
                case REQUIRED -> env.put(read.name(), read.detail().replaceFirst("^e\\.g\\. ", ""));
                case SECRET -> env.put(read.name(), "s".repeat(32));
                default -> { }
            }
        }
        return SettingRead.recordDuring(() -> {
            try {
                fromEnv.accept(env);
            } catch (ConfigException e) {
                // a rule across settings the examples break; every read happened before finish() threw
            } catch (RuntimeException e) {
                throw new AssertionError(process + "'s config threw instead of reporting a problem, with only its required"
                        + " settings set, each to its example (" + env.keySet() + ")", e);
            }
        });
    }

    /** Setting name to every (process, read) of it, for the checks across processes. */
    static Map<String, Map<String, SettingRead>> byName(Map<String, Map<String, SettingRead>> byProcess) {
        Map<String, Map<String, SettingRead>> byName = new TreeMap<>();
        byProcess.forEach((process, settings) -> settings.values()
                .forEach(read -> byName.computeIfAbsent(read.name(), n -> new LinkedHashMap<>()).put(process, read)));
        return byName;
    }
}
