package dev.kyoyu.system.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository the tests run in, and the files of it the deploy and configuration tests read. */
public final class Checkout {
    public static final Path ROOT = findRoot();

    private Checkout() {
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> lines(String relative) {
        return read(relative).lines().toList();
    }

    /** deploy/images.properties: image role (kafka, postgres, …) to its pinned reference. */
    static Map<String, String> pinnedImages() {
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(path("deploy/images.properties"), StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> images = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(name -> images.put(name, properties.getProperty(name).strip()));
        return images;
    }

    /** ./kyoyu's main_of: module to the main class the launcher runs it with. */
    static Map<String, String> launcherMainClasses() {
        Pattern line = Pattern.compile("^\\s*([a-z-]+)\\) say (dev\\.kyoyu\\.[A-Za-z.]+) ;;$");
        Map<String, String> mains = new LinkedHashMap<>();
        for (String text : shellFunctionBody("kyoyu", "main_of")) {
            Matcher m = line.matcher(text);
            if (m.matches()) {
                mains.put(m.group(1), m.group(2));
            }
        }
        return mains;
    }

    /** The lines of the shell function {@code function} in the script at {@code relative}, up to its closing brace. */
    static List<String> shellFunctionBody(String relative, String function) {
        List<String> body = new ArrayList<>();
        boolean inside = false;
        for (String text : lines(relative)) {
            if (text.startsWith(function + "()")) {
                inside = true;
            } else if (inside && text.startsWith("}")) {
                break;
            } else if (inside) {
                body.add(text);
            }
        }
        return body;
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("kyoyu")) && Files.exists(dir.resolve("docker-compose.yml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no checkout (./kyoyu beside docker-compose.yml) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
