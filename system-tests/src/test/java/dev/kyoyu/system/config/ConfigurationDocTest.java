package dev.kyoyu.system.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kyoyu.service.config.SettingRead;
import dev.kyoyu.system.config.ScriptSettings.Fallback;
import dev.kyoyu.system.deploy.Checkout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is what the config classes read: regenerated here and compared line by line
 * ({@code -Dkyoyu.writeDocs=true} writes it instead, see {@link ConfigurationDoc#REGENERATE}); and each setting
 * has one default, in one place.
 */
class ConfigurationDocTest {
    /** Whose main sources may name settings: every service and the libraries they share. */
    private static final List<String> SERVICE_MODULES =
            List.of("schemas", "service-common", "ingest-api", "sink-worker", "decision-stream", "embedder", "query-api");
    private static final Pattern SETTING_NAME = Pattern.compile("KYOYU_[A-Z0-9_]+");
    private static final Pattern JAVA_FALLBACK = Pattern.compile("getOrDefault\\(\\s*\"(KYOYU_[A-Z0-9_]+)\",\\s*\"([^\"]*)\"\\)");

    private final Path repo = Checkout.ROOT;
    private final Map<String, Map<String, SettingRead>> byProcess = ProcessSettings.read();
    private final Map<String, Map<String, SettingRead>> byName = ProcessSettings.byName(byProcess);
    private final Map<String, List<Fallback>> scripts = ScriptSettings.read(repo);
    private final SettingDescriptions descriptions = new SettingDescriptions(repo);

    @Test
    void theConfigurationReferenceListsExactlyWhatTheProcessesRead() throws IOException {
        String generated = ConfigurationDoc.render(byProcess, localStack(), launcherSettings(), descriptions);
        Path doc = repo.resolve(ConfigurationDoc.FILE);
        if (Boolean.getBoolean("kyoyu.writeDocs")) {
            Files.writeString(doc, generated, StandardCharsets.UTF_8);
        }
        String current = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
        if (!current.equals(generated)) {
            fail(ConfigurationDoc.FILE + " is not what the config classes read.\n"
                    + difference(current, generated)
                    + "Regenerate it with: " + ConfigurationDoc.REGENERATE);
        }
    }

    @Test
    void everySettingHasADescriptionAndEveryDescriptionASetting() {
        Set<String> known = new TreeSet<>(byName.keySet());
        known.addAll(launcherSettings().keySet());
        List<String> undescribed = known.stream().filter(name -> descriptions.description(name) == null).toList();
        assertEquals(List.of(), undescribed, "settings without a line in " + SettingDescriptions.FILE
                + " (add NAME=one-line description, then: " + ConfigurationDoc.REGENERATE + ")");
        assertEquals(Set.of(), descriptions.describedBeyond(known), "lines in " + SettingDescriptions.FILE
                + " for settings nothing reads any more; delete them");
    }

    @Test
    void aSettingReadByManyProcessesHasOneDefault() {
        List<String> disagreements = new ArrayList<>();
        byName.forEach((name, reads) -> {
            Set<String> defaults = reads.values().stream()
                    .map(read -> read.kind() + " " + read.defaultValue()).collect(Collectors.toCollection(LinkedHashSet::new));
            if (defaults.size() > 1) {
                disagreements.add(name + " is read with different defaults: " + reads);
            }
        });
        assertEquals(List.of(), disagreements);
    }

    /** env.sh may restate a default the launcher needs (a port it probes); a different value must say why. */
    @Test
    void theLocalStackRestatesNoDefaultDifferentlyWithoutSayingWhy() {
        List<String> problems = new ArrayList<>();
        localStack().forEach((name, fallback) -> {
            SettingRead read = byName.get(name).values().iterator().next();
            boolean same = fallback.fallback().equals(ConfigurationDoc.written(read));
            if (!same && fallback.comment().isBlank()) {
                problems.add(fallback.where(repo) + ": " + name + "=" + fallback.fallback() + " differs from the default ("
                        + ConfigurationDoc.written(read) + ") with no comment above it saying why");
            }
        });
        assertEquals(List.of(), problems);
    }

    /** A launcher setting has its default on one line; only env.sh gives the services values. */
    @Test
    void scriptsGiveEachSettingOneDefault() {
        List<String> problems = new ArrayList<>();
        scripts.forEach((name, fallbacks) -> {
            List<Fallback> defaults = fallbacks.stream().filter(f -> !f.fallback().isEmpty()).toList();
            if (defaults.size() > 1) {
                problems.add(name + " has a default in more than one place: " + defaults.stream()
                        .map(f -> f.where(repo) + " " + f.fallback()).collect(Collectors.joining(", ")));
            }
            if (byName.containsKey(name)) {
                defaults.stream().filter(f -> !f.script().equals(ScriptSettings.envSh(repo))).forEach(f -> problems.add(
                        f.where(repo) + " gives " + name + " a default outside deploy/local/env.sh"));
            }
        });
        assertEquals(List.of(), problems);
    }

    /** A default the README or a doc repeats in prose must be the code's. */
    @Test
    void theProseDocsRepeatNoDefaultWrongly() {
        Map<String, SettingRead> settings = new TreeMap<>();
        byName.forEach((name, reads) -> settings.put(name, reads.values().iterator().next()));
        List<String> mismatches = ProseDefaults.mismatches(repo, settings);
        assertTrue(mismatches.isEmpty(), "defaults in the docs that differ from the code's; fix the doc (or link to "
                + ConfigurationDoc.FILE + " instead of repeating it):\n  " + String.join("\n  ", mismatches));
    }

    /** A setting read some other way than through EnvReader would be missing from the reference: none may be. */
    @Test
    void everySettingNamedInServiceCodeIsInTheReference() throws IOException {
        Set<String> known = new TreeSet<>(byName.keySet());
        known.addAll(launcherSettings().keySet());
        Map<String, String> unknown = new TreeMap<>();
        for (String module : SERVICE_MODULES) {
            try (Stream<Path> files = Files.walk(repo.resolve(module).resolve("src/main/java"))) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = SETTING_NAME.matcher(Files.readString(file));
                    while (m.find()) {
                        String name = m.group();
                        // "KYOYU_RATE_" + limit: a prefix, its settings are read through EnvReader
                        if (!name.endsWith("_") && !known.contains(name)) {
                            unknown.putIfAbsent(name, repo.relativize(file).toString());
                        }
                    }
                }
            }
        }
        assertTrue(unknown.isEmpty(), "settings named in code that no config class reads through EnvReader: " + unknown);
    }

    /** Code that reads a service setting beside EnvReader (the migrations, the bench) may not disagree on its default. */
    @Test
    void javaOutsideTheConfigsRestatesNoDefaultDifferently() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> modules = Files.list(repo)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        Matcher m = JAVA_FALLBACK.matcher(Files.readString(file));
                        while (m.find()) {
                            Map<String, SettingRead> reads = byName.get(m.group(1));
                            String code = reads == null ? null : ConfigurationDoc.written(reads.values().iterator().next());
                            // "" for a setting without a default (an optional password) means the same: none
                            if (reads != null && !m.group(2).equals(code == null ? "" : code)) {
                                problems.add(repo.relativize(file) + " falls back to " + m.group(1) + "=\"" + m.group(2)
                                        + "\", the default is " + code);
                            }
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    /** The service settings env.sh gives a value, with the first such line. */
    private Map<String, Fallback> localStack() {
        Map<String, Fallback> local = new TreeMap<>();
        scripts.forEach((name, fallbacks) -> {
            if (byName.containsKey(name)) {
                fallbacks.stream().filter(f -> f.script().equals(ScriptSettings.envSh(repo)) && !f.fallback().isEmpty())
                        .findFirst().ifPresent(f -> local.put(name, f));
            }
        });
        return local;
    }

    private Map<String, List<Fallback>> launcherSettings() {
        Map<String, List<Fallback>> launcher = new TreeMap<>(scripts);
        launcher.keySet().removeAll(byName.keySet());
        return launcher;
    }

    /** The lines only one side has, each side in its own order, so a changed line shows as both. */
    private static String difference(String current, String generated) {
        List<String> have = current.lines().toList();
        List<String> want = generated.lines().toList();
        StringBuilder out = new StringBuilder();
        want.stream().filter(line -> !have.contains(line)).limit(40).forEach(line -> out.append("  missing: ").append(line).append('\n'));
        have.stream().filter(line -> !want.contains(line)).limit(40).forEach(line -> out.append("  stale:   ").append(line).append('\n'));
        if (out.isEmpty()) {
            out.append("  (the same lines in a different order)\n");
        }
        return out.toString();
    }
}
