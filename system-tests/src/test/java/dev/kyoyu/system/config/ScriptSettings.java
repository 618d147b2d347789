package dev.kyoyu.system.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The settings the launcher's shell scripts ({@code ./kyoyu}, {@code deploy/local/*.sh}) take from the environment:
 * every {@code ${KYOYU_X:-fallback}}. In deploy/local/env.sh those fallbacks are what the local stack gives the
 * services; elsewhere they are the launcher's own settings.
 */
final class ScriptSettings {
    private static final Pattern FALLBACK = Pattern.compile("\\$\\{(KYOYU_[A-Z0-9_]+):-([^}]*)}");

    /**
     * One {@code ${NAME:-fallback}} in a script.
     *
     * @param fallback the text after {@code :-}, verbatim (may be a shell expression); empty: no default
     * @param comment  the comment lines right above it, without {@code #}; empty when there are none
     */
    record Fallback(String name, String fallback, Path script, int line, String comment) {
        String where(Path repo) {
            return repo.relativize(script) + ":" + line;
        }
    }

    private ScriptSettings() {
    }

    static Path envSh(Path repo) {
        return repo.resolve("deploy/local/env.sh");
    }

    /** Setting name to its fallbacks in every script, in file and line order. */
    static Map<String, List<Fallback>> read(Path repo) {
        Map<String, List<Fallback>> byName = new TreeMap<>();
        for (Path script : scripts(repo)) {
            List<String> lines = lines(script);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).strip().startsWith("#")) {
                    continue;
                }
                Matcher m = FALLBACK.matcher(lines.get(i));
                while (m.find()) {
                    byName.computeIfAbsent(m.group(1), n -> new ArrayList<>())
                            .add(new Fallback(m.group(1), m.group(2), script, i + 1, commentAbove(lines, i)));
                }
            }
        }
        return byName;
    }

    private static List<Path> scripts(Path repo) {
        List<Path> scripts = new ArrayList<>();
        scripts.add(repo.resolve("kyoyu"));
        try (Stream<Path> local = Files.list(repo.resolve("deploy/local"))) {
            local.filter(p -> p.getFileName().toString().endsWith(".sh")).sorted().forEach(scripts::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return scripts;
    }

    private static String commentAbove(List<String> lines, int index) {
        List<String> comment = new ArrayList<>();
        for (int i = index - 1; i >= 0 && lines.get(i).strip().startsWith("#"); i--) {
            comment.addFirst(lines.get(i).strip().replaceFirst("^#+\\s?", ""));
        }
        return String.join(" ", comment);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
