package dev.kyoyu.bench.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM the benchmark starts (a service under test, or the raw-producer baseline) and stops again by
 * its pid. Its memory and CPU are read from /proc, which is why the benchmark starts services itself
 * instead of measuring ones it did not start.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        // Ctrl-C on the benchmark must not leave services running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(ChildProcess::close), "bench-children"));
    }

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java jvmArgs -cp classpath mainClass args} with the parent's environment minus every
     * KYOYU_* variable, plus {@code env}: the child sees exactly the settings the benchmark chose.
     */
    public static ChildProcess startJava(String name, List<String> jvmArgs, String classpath, String mainClass,
                                         List<String> args, Map<String, String> env, Path log) throws IOException {
        return startJava(0, name, jvmArgs, classpath, mainClass, args, env, log);
    }

    /** As above, at a lower CPU priority ({@code nice -n niceness}, 0: none), as {@code ./kyoyu} starts the embedder. */
    public static ChildProcess startJava(int niceness, String name, List<String> jvmArgs, String classpath, String mainClass,
                                         List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        if (niceness != 0) {
            // nice execs java, so the pid is still the JVM's.
            command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().removeIf(key -> key.startsWith("KYOYU_"));
        builder.environment().putAll(env);
        Files.createDirectories(log.getParent());
        ChildProcess child = new ChildProcess(name, builder.start(), log);
        LIVE.add(child);
        return child;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    /** Peak resident set size since start (or since {@link #resetPeakRss()}), in KiB: VmHWM. */
    public long peakRssKib() {
        return ProcStats.statusKib(pid(), "VmHWM");
    }

    public long rssKib() {
        return ProcStats.statusKib(pid(), "VmRSS");
    }

    /** Starts a new peak-RSS window (Linux: writing 5 to clear_refs resets VmHWM); false if refused. */
    public boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc", Long.toString(pid()), "clear_refs"), "5");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Waits for a normal exit; returns the exit code, or throws when it takes longer than {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(name + " (pid " + pid() + ") still running after " + timeout);
        }
        LIVE.remove(this);
        return process.exitValue();
    }

    /** SIGTERM to this pid (the services drain and exit), SIGKILL only after 30 s. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    System.err.println(name + " (pid " + pid() + ") did not stop within 30 s; killing it");
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(this);
        }
    }
}
