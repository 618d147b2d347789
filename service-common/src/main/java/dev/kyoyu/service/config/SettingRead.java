package dev.kyoyu.service.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One setting as an {@link EnvReader} read it: its name, kind, default and bounds. Recorded only inside
 * {@link #recordDuring}, which is how docs/configuration.md is generated from the config classes themselves
 * (system-tests' ConfigurationDocTest): a setting read through EnvReader cannot be missing from it.
 *
 * @param defaultValue the default as text, null when there is none (required, optional or secret settings)
 * @param detail       what is accepted ({@code min..max} of a number, {@code a|b} of a choice) or, for a
 *                     required setting, an example; null when there is nothing to add
 */
public record SettingRead(String name, Kind kind, String defaultValue, String detail) {
    public enum Kind { TEXT, REQUIRED, SECRET, OPTIONAL_SECRET, INTEGER, PORT, DURATION, BOOLEAN, CHOICE, HTTP_URL }

    private static final ThreadLocal<List<SettingRead>> RECORDING = new ThreadLocal<>();

    /** Runs {@code reads} (a config's {@code fromEnv}) and returns every setting read on this thread meanwhile. */
    public static List<SettingRead> recordDuring(Runnable reads) {
        List<SettingRead> previous = RECORDING.get();
        List<SettingRead> recorded = new ArrayList<>();
        RECORDING.set(recorded);
        try {
            reads.run();
        } finally {
            RECORDING.set(previous);
        }
        return List.copyOf(recorded);
    }

    static void note(String name, Kind kind, Object defaultValue, String detail) {
        List<SettingRead> recording = RECORDING.get();
        if (recording != null) {
            recording.add(new SettingRead(name, kind, defaultValue == null ? null : defaultValue.toString(), detail));
        }
    }
}
