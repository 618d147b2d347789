package dev.kyoyu.system.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The root Dockerfile as its stages: each stage's base and instructions (continuation lines joined). */
record DockerfileModel(List<Stage> stages) {
    private static final Pattern FROM = Pattern.compile("^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern HEALTH_EXEC_FORM = Pattern.compile("(?:^|\\s)CMD (\\[.*])$");
    private static final Pattern JSON_STRING = Pattern.compile("\"([^\"\\\\]*)\"");
    private static final Pattern ENV_PAIR = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)");

    record Stage(String base, String name, List<String> instructions) {
        List<String> all(String keyword) {
            return instructions.stream().filter(i -> i.regionMatches(true, 0, keyword + " ", 0, keyword.length() + 1))
                    .map(i -> i.substring(keyword.length() + 1).strip()).toList();
        }

        Optional<String> last(String keyword) {
            List<String> found = all(keyword);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getLast());
        }
    }

    static DockerfileModel read() {
        List<Stage> stages = new ArrayList<>();
        StringBuilder pending = new StringBuilder();
        for (String raw : Checkout.lines("Dockerfile")) {
            String line = raw.strip();
            if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            String instruction = (pending + line).replaceAll("\\s+", " ").strip();
            pending.setLength(0);
            Matcher from = FROM.matcher(instruction);
            if (from.matches()) {
                stages.add(new Stage(from.group(1), from.group(2), new ArrayList<>()));
            } else if (!stages.isEmpty()) {
                stages.getLast().instructions().add(instruction);
            }
        }
        return new DockerfileModel(stages);
    }

    Optional<Stage> stage(String name) {
        return stages.stream().filter(s -> name.equals(s.name())).findFirst();
    }

    /** The ENV a target's image has: its own and every stage's of this file it is built on. */
    Map<String, String> environment(String target) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Stage s : chain(target)) {
            for (String assignments : s.all("ENV")) {
                Matcher m = ENV_PAIR.matcher(assignments);
                while (m.find()) {
                    env.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
                }
            }
        }
        return env;
    }

    /** The {@code keyword} instruction (CMD, HEALTHCHECK, …) a target's image takes: its own last, else its bases'. */
    Optional<String> inherited(String target, String keyword) {
        return chain(target).reversed().stream().map(s -> s.last(keyword)).flatMap(Optional::stream).findFirst();
    }

    /** The words of a target's HEALTHCHECK command in exec form ({@code CMD ["java", …]}); empty when it has none. */
    List<String> healthCommand(String target) {
        Matcher command = HEALTH_EXEC_FORM.matcher(inherited(target, "HEALTHCHECK").orElse(""));
        List<String> words = new ArrayList<>();
        if (command.find()) {
            Matcher word = JSON_STRING.matcher(command.group(1));
            while (word.find()) {
                words.add(word.group(1));
            }
        }
        return words;
    }

    /** The stages a target is built from, this file's outermost base first, the target last. */
    private List<Stage> chain(String target) {
        List<Stage> chain = new ArrayList<>();
        for (Optional<Stage> s = stage(target); s.isPresent(); s = stage(s.get().base())) {
            chain.addFirst(s.get());
        }
        return chain;
    }
}
