package dev.kyoyu.system.config;

import dev.kyoyu.service.config.SettingRead;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The defaults the prose docs repeat beside a setting, in a sentence ("{@code KYOYU_SINK_BATCH_MAX_AGE} (100ms)",
 * "{@code KYOYU_RATE_QUERIES}, 6000/m") or in a table row ("| {@code KYOYU_X}, {@code KYOYU_Y} | 1, 2 |"):
 * copies of the code's default, so each is checked against it.
 */
final class ProseDefaults {
    private static final Pattern MENTION = Pattern.compile(
            "`(KYOYU_[A-Z0-9_]+)`(?:\\s*\\(\\s*(?:default\\s+)?|\\s*,\\s*|\\s+)(\\d[\\d,]*\\s?(?:ms|min|s|m|h|/s|/m|/h|KiB|MiB|GiB)?)\\b");
    private static final Pattern NAME = Pattern.compile("`(KYOYU_[A-Z0-9_]+)`");
    private static final Pattern AMOUNT = Pattern.compile("(\\d+)(ms|min|s|m|h|KiB|MiB|GiB)?");

    private ProseDefaults() {
    }

    /** README.md and docs/*.md (not the generated reference): each default they state that is not the code's. */
    static List<String> mismatches(Path repo, Map<String, SettingRead> settings) {
        List<String> mismatches = new ArrayList<>();
        for (Path doc : docs(repo)) {
            List<String> lines = lines(doc);
            for (int i = 0; i < lines.size(); i++) {
                String where = repo.relativize(doc) + ":" + (i + 1);
                String line = lines.get(i);
                if (line.startsWith("| `KYOYU_")) {
                    checkRow(line, settings, where, mismatches);
                    continue;
                }
                Matcher m = MENTION.matcher(line);
                while (m.find()) {
                    check(settings.get(m.group(1)), m.group(2), where, mismatches);
                }
            }
        }
        return mismatches;
    }

    /** First cell the settings, second their defaults in the same order (one value per setting, else unchecked). */
    private static void checkRow(String row, Map<String, SettingRead> settings, String where, List<String> mismatches) {
        String[] cells = row.split("\\|");
        if (cells.length < 3) {
            return;
        }
        List<String> names = new ArrayList<>();
        Matcher m = NAME.matcher(cells[1]);
        while (m.find()) {
            names.add(m.group(1));
        }
        String said = cells[2].strip();
        String[] values = names.size() == 1 ? new String[] {said} : said.split("\\s*[,/]\\s*");
        if (values.length != names.size()) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            check(settings.get(names.get(i)), values[i], where, mismatches);
        }
    }

    private static void check(SettingRead read, String said, String where, List<String> mismatches) {
        String value = said.replace("`", "").replace(",", "").replace(" ", "");
        // Not a literal value ("required", "the machine's cores", "$TMPDIR/..."): nothing to compare.
        boolean literal = AMOUNT.matcher(value).matches() || (!value.isEmpty() && !value.contains("$") && !said.strip().contains(" "));
        if (read == null || read.defaultValue() == null || !literal || value.equals("required") || value.equals("none")) {
            return;
        }
        if (!agrees(read, value)) {
            mismatches.add(where + " says " + read.name() + " is " + said.strip() + ", the default is " + ConfigurationDoc.written(read));
        }
    }

    private static boolean agrees(SettingRead read, String value) {
        Matcher amount = AMOUNT.matcher(value);
        return switch (read.kind()) {
            case DURATION -> amount.matches() && duration(Long.parseLong(amount.group(1)), amount.group(2)) != null
                    && duration(Long.parseLong(amount.group(1)), amount.group(2)).equals(Duration.parse(read.defaultValue()));
            case INTEGER, PORT -> amount.matches() && Long.parseLong(amount.group(1)) * factor(amount.group(2)) == Long.parseLong(read.defaultValue());
            default -> value.equals(read.defaultValue());
        };
    }

    private static Duration duration(long amount, String unit) {
        return unit == null ? null : switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m", "min" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> null;
        };
    }

    private static long factor(String unit) {
        return unit == null ? 1 : switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            default -> 0;
        };
    }

    private static List<Path> docs(Path repo) {
        List<Path> docs = new ArrayList<>();
        docs.add(repo.resolve("README.md"));
        try (Stream<Path> files = Files.list(repo.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md") && !p.equals(repo.resolve(ConfigurationDoc.FILE))).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
