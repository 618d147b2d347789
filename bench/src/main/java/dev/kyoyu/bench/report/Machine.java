package dev.kyoyu.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.utils.AppInfoParser;

/** Facts about the machine and the run that a reader needs to compare two results. */
public final class Machine {
    private Machine() {
    }

    public static List<String> facts() {
        List<String> facts = new ArrayList<>();
        facts.add("nproc: " + Runtime.getRuntime().availableProcessors() + " (" + cpuModel() + ")");
        facts.add("memory: " + memTotal());
        facts.add("kernel: " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        facts.add("JDK: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.home") + ")");
        facts.add("Kafka: " + AppInfoParser.getVersion() + " (clients and broker jars pinned by the root pom), single KRaft broker on loopback");
        return facts;
    }

    /** The command line of this JVM, shell-quoted, from /proc/self/cmdline. */
    public static String commandLine() {
        return String.join(" ", rawCommandLine().stream().map(Machine::quote).toList());
    }

    /** The benchmark's own arguments (after the subcommand), shell-quoted. */
    public static List<String> arguments() {
        List<String> all = rawCommandLine();
        int main = all.indexOf("dev.kyoyu.bench.BenchMain");
        return main < 0 || main + 2 > all.size() ? List.of() : all.subList(main + 2, all.size()).stream().map(Machine::quote).toList();
    }

    private static List<String> rawCommandLine() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
        } catch (IOException e) {
            return List.of(ProcessHandle.current().info().commandLine().orElse("(unknown)"));
        }
    }

    private static String quote(String arg) {
        return arg.matches("[A-Za-z0-9_@%+=:,./-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .findFirst().map(l -> String.format(Locale.ROOT, "%.1f GiB",
                            Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)).orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
