package dev.kyoyu.system.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one-line descriptions of docs/configuration.md, one place for all of them
 * (docs/configuration-descriptions.properties): {@code NAME=description}, optionally {@code NAME.unit=...} where the
 * kind of read does not say the unit (a rate, a list), and {@code NAME.default=...} where the default depends on the
 * machine (the number of CPUs, the temp directory) and so cannot be printed as a value.
 */
final class SettingDescriptions {
    static final String FILE = "docs/configuration-descriptions.properties";
    private static final String UNIT = ".unit";
    private static final String DEFAULT = ".default";

    private final Properties properties = new Properties();

    SettingDescriptions(Path repo) {
        try (Reader reader = Files.newBufferedReader(repo.resolve(FILE), StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Null when the setting is not described. */
    String description(String name) {
        return properties.getProperty(name);
    }

    /** The unit to print instead of the kind's, or null. */
    String unit(String name) {
        return properties.getProperty(name + UNIT);
    }

    /** The default to print instead of the value read on this machine, or null. */
    String machineDefault(String name) {
        return properties.getProperty(name + DEFAULT);
    }

    /** The settings described that are not in {@code known}: a line left behind by a removed setting. */
    Set<String> describedBeyond(Set<String> known) {
        Set<String> stale = new TreeSet<>();
        for (String key : properties.stringPropertyNames()) {
            String name = key.endsWith(UNIT) ? key.substring(0, key.length() - UNIT.length())
                    : key.endsWith(DEFAULT) ? key.substring(0, key.length() - DEFAULT.length()) : key;
            if (!known.contains(name)) {
                stale.add(key);
            }
        }
        return stale;
    }
}
