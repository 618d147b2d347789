package dev.kyoyu.system.config;

import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.system.config.ScriptSettings.Fallback;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Renders docs/configuration.md from the settings the processes read, the launcher's scripts and the descriptions. */
final class ConfigurationDoc {
    static final String FILE = "docs/configuration.md";
    /** ./kyoyu docs runs ConfigurationDocTest with -Dkyoyu.writeDocs=true, which writes the file instead of comparing. */
    static final String REGENERATE = "./kyoyu docs";

    private final SettingDescriptions descriptions;
    private final StringBuilder out = new StringBuilder();

    private ConfigurationDoc(SettingDescriptions descriptions) {
        this.descriptions = descriptions;
    }

    /**
     * @param byProcess service settings per process
     * @param localStack the service settings deploy/local/env.sh gives a value, by name
     * @param launcher   the launcher's own settings (read by no process), by name
     */
    static String render(Map<String, Map<String, SettingRead>> byProcess, Map<String, Fallback> localStack,
            Map<String, List<Fallback>> launcher, SettingDescriptions descriptions) {
        return new ConfigurationDoc(descriptions).write(byProcess, localStack, launcher);
    }

    private String write(Map<String, Map<String, SettingRead>> byProcess, Map<String, Fallback> localStack,
            Map<String, List<Fallback>> launcher) {
        line("# Configuration");
        line("");
        line("<!-- Generated from the config classes, " + SettingDescriptions.FILE + " and the launcher's scripts;");
        line("     edit those, then regenerate: " + REGENERATE + " -->");
        line("");
        line("Every process reads its settings once at startup from `KYOYU_*` environment variables into a typed, immutable");
        line("config record (service-common's `EnvReader`), checks them all together and, if any is wrong, exits with code 2");
        line("listing every problem. Each default below is written once, in the config class; ConfigurationDocTest fails");
        line("when this file and the code disagree, so a setting cannot be added without its line.");
        line("");
        line("Formats: durations `100ms`, `5s`, `2m`, `1h` or ISO-8601 (`PT0.5S`); sizes in bytes; rates `<n>/s`, `<n>/m`");
        line("or `<n>/h`; booleans `true` or `false`; choices in lower case. An unset or blank variable takes the default.");
        line("Secret values are never shown here. `./kyoyu replay` reads the sink-worker's settings; the migrations");
        line("`./kyoyu up` applies (schemas' MigrateMain) read `KYOYU_PG_URL`, `KYOYU_PG_USER` and `KYOYU_PG_PASSWORD`.");
        byProcess.forEach((process, settings) -> {
            line("");
            line("## " + process);
            line("");
            line("| setting | default | type | description |");
            line("|---|---|---|---|");
            settings.values().forEach(read -> row(code(read.name()), defaultCell(read), typeCell(read), describe(read.name())));
        });
        line("");
        line("## Local stack (deploy/local/env.sh)");
        line("");
        line("What `./kyoyu` gives the services: the required settings, values where the code's default does not fit one");
        line("machine running everything (each says why in a comment above it in env.sh, shown here), and the settings the");
        line("launcher uses itself, restated with the code's default (ConfigurationDocTest keeps the two equal).");
        line("");
        line("| setting | local stack | default | why |");
        line("|---|---|---|---|");
        Map<String, Map<String, SettingRead>> byName = ProcessSettings.byName(byProcess);
        localStack.forEach((name, fallback) -> {
            SettingRead read = byName.get(name).values().iterator().next();
            String why = fallback.fallback().equals(written(read)) ? "the default; the launcher uses it too"
                    : fallback.comment().replaceFirst("^Local stack: ", "");
            row(code(name), code(fallback.fallback()), defaultCell(read), escape(why));
        });
        line("");
        line("## Launcher (./kyoyu and deploy/local)");
        line("");
        line("Read by the launcher's scripts only, never by a service.");
        line("");
        line("| setting | default | description |");
        line("|---|---|---|");
        launcher.forEach((name, fallbacks) -> row(code(name), launcherDefault(fallbacks), describe(name)));
        return out.toString();
    }

    /** The default as one would write it in the environment; null when there is none. */
    static String written(SettingRead read) {
        if (read.defaultValue() == null) {
            return null;
        }
        return read.kind() == SettingRead.Kind.DURATION ? duration(Duration.parse(read.defaultValue())) : read.defaultValue();
    }

    private String defaultCell(SettingRead read) {
        String machine = descriptions.machineDefault(read.name());
        if (machine != null) {
            return escape(machine);
        }
        return switch (read.kind()) {
            case REQUIRED -> "required, " + escape(read.detail()).replaceFirst("^e\\.g\\. (.*)$", "e.g. `$1`");
            case SECRET -> "required";
            case OPTIONAL_SECRET, HTTP_URL -> "unset";
            case INTEGER -> isBytes(read) ? bytes(read.defaultValue()) : code(read.defaultValue());
            default -> read.defaultValue() == null ? "unset" : read.defaultValue().isEmpty() ? "empty" : code(written(read));
        };
    }

    private String typeCell(SettingRead read) {
        String unit = descriptions.unit(read.name());
        return escape(switch (read.kind()) {
            case TEXT, REQUIRED -> unit == null ? "text" : unit;
            case SECRET -> "secret, at least 32 characters";
            case OPTIONAL_SECRET -> "secret";
            case INTEGER -> (isBytes(read) ? "bytes" : unit == null ? "integer" : unit) + ", " + range(read);
            case PORT -> "port";
            case DURATION -> unit == null ? "duration" : unit;
            case BOOLEAN -> "boolean";
            case CHOICE -> "one of " + String.join(", ", read.detail().split("\\|"));
            case HTTP_URL -> "http(s) URL";
        });
    }

    private String describe(String name) {
        String description = descriptions.description(name);
        return description == null ? "**undescribed**" : escape(description);
    }

    private static String launcherDefault(List<Fallback> fallbacks) {
        return fallbacks.stream().map(Fallback::fallback).filter(f -> !f.isEmpty()).findFirst()
                .map(ConfigurationDoc::code).orElse("unset");
    }

    private static boolean isBytes(SettingRead read) {
        return read.name().endsWith("_BYTES");
    }

    private static String range(SettingRead read) {
        String[] bounds = read.detail().split("\\.\\.");
        return isBytes(read) ? size(Long.parseLong(bounds[0])) + " to " + size(Long.parseLong(bounds[1])) : read.detail();
    }

    private static String bytes(String value) {
        long n = Long.parseLong(value);
        String size = size(n);
        return size.equals(value) ? code(value) : code(value) + " (" + size + ")";
    }

    /** 65536 as {@code 64 KiB}; a number that is no whole KiB, MiB or GiB stays as it is. */
    private static String size(long n) {
        for (String unit : List.of("GiB", "MiB", "KiB")) {
            long factor = switch (unit) {
                case "GiB" -> 1L << 30;
                case "MiB" -> 1L << 20;
                default -> 1L << 10;
            };
            if (n >= factor && n % factor == 0) {
                return n / factor + " " + unit;
            }
        }
        return Long.toString(n);
    }

    /** In the short form the reader accepts: {@code 100ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    private static String duration(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.toMillis() % 3_600_000 == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toMillis() % 1000 == 0) {
            return d.toSeconds() + "s";
        }
        return d.toNanos() % 1_000_000 == 0 ? d.toMillis() + "ms" : d.toString();
    }

    private static String code(String text) {
        return "`" + text.replace("|", "\\|") + "`";
    }

    private static String escape(String text) {
        return text.replace("|", "\\|");
    }

    private void row(String... cells) {
        line("| " + String.join(" | ", cells) + " |");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
