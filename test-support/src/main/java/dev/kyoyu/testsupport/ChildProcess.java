package dev.kyoyu.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started to run one main class: a service under test or under benchmark, or a tool the benchmark
 * measures against. A real separate process with its own heap, its output in a log file, stopped by its
 * pid (SIGTERM, so services drain). The one way tests and the bench start a service process; the shell
 * launcher {@code ./kyoyu} does the same for a developer's stack.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration POLL = Duration.ofMillis(100);

    static {
        // Ctrl-C on the benchmark, or a test JVM that ends early, must not leave services running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(ChildProcess::close), "child-processes"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private ChildProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** A child running {@code mainClass}, on this JVM's classpath unless {@link Builder#classpath} says otherwise. */
    public static Builder java(String mainClass) {
        return new Builder(mainClass);
    }

    public static Builder java(Class<?> mainClass) {
        return new Builder(mainClass.getName()).name(mainClass.getSimpleName());
    }

    /** A loopback port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** How to start a child; {@link #start()} starts it. */
    public static final class Builder {
        private final String mainClass;
        private String name;
        private String classpath;
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean inheritSettings = true;
        private int niceness;
        private Path log;
        private int port = -1;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        /** e.g. {@code "64m"}: the child's {@code -Xmx}. */
        public Builder heap(String heap) {
            this.jvmArgs.add("-Xmx" + heap);
            return this;
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env.putAll(env);
            return this;
        }

        /**
         * Drops every KYOYU_* variable of this JVM's environment, so the child sees exactly the settings given
         * here (the bench; a test under {@code ./kyoyu test} would otherwise hand down the shared stack's).
         */
        public Builder withoutInheritedSettings() {
            this.inheritSettings = false;
            return this;
        }

        /** A lower CPU priority ({@code nice -n}), as {@code ./kyoyu} starts the embedder; 0: none. */
        public Builder niceness(int niceness) {
            this.niceness = niceness;
            return this;
        }

        /** Where stdout and stderr go (appended); default {@code target/child-logs/<name>-<port or pid>.log}. */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        /** Serves HTTP on a free port, passed to it in {@code variable}; see {@link ChildProcess#port()}. */
        public Builder httpPort(String variable) {
            this.port = freePort();
            this.env.put(variable, Integer.toString(port));
            return this;
        }

        public ChildProcess start() throws IOException {
            List<String> command = new ArrayList<>();
            if (niceness != 0) {
                // nice execs java, so the pid is still the JVM's.
                command.addAll(List.of("nice", "-n", Integer.toString(niceness)));
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            if (classpath == null) {
                // This JVM's classpath holds test-support's logback-test.xml; the service logs as in production,
                // JSON to its stdout, which is its log file.
                command.addAll(List.of("-Dlogback.configurationFile=logback.xml", "-cp", System.getProperty("java.class.path")));
            } else {
                command.addAll(List.of("-cp", classpath));
            }
            command.add(mainClass);
            command.addAll(args);
            Path logFile = log != null ? log
                    : Path.of("target", "child-logs", name + "-" + (port > 0 ? port : ProcessHandle.current().pid() + "-" + System.nanoTime()) + ".log");
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            if (!inheritSettings) {
                builder.environment().keySet().removeIf(key -> key.startsWith("KYOYU_"));
            }
            builder.environment().putAll(env);
            ChildProcess child = new ChildProcess(name, builder.start(), logFile, port);
            LIVE.add(child);
            return child;
        }

        /** Starts it and waits until its {@code /health} on {@link #httpPort} answers 200 (a minute at most). */
        public ChildProcess startHealthy() throws IOException {
            if (port < 0) {
                throw new IllegalStateException("startHealthy needs httpPort(variable)");
            }
            ChildProcess child = start();
            try {
                child.awaitHealthy(port, Duration.ofSeconds(60));
            } catch (RuntimeException | Error e) {
                child.close();
                throw e;
            }
            return child;
        }
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

    /** The HTTP port given through {@link Builder#httpPort}. */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException(name + " was started without an HTTP port");
        }
        return port;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Process process() {
        return process;
    }

    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /** Waits until GET /health on {@code port} answers 200; fails early, with the log's tail, if the process exits. */
    public void awaitHealthy(int port, Duration timeout) {
        awaitHealth(port, timeout, true);
    }

    /** Waits until {@code port} answers HTTP at all (a sink worker reports 503 until it owns partitions). */
    public void awaitListening(int port, Duration timeout) {
        awaitHealth(port, timeout, false);
    }

    private void awaitHealth(int port, Duration timeout, boolean require200) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + port + "/health");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during startup; log " + log
                        + ":\n" + logTail(30));
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || !require200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name, e);
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException(name + " did not answer on " + uri + " within " + timeout + "; log " + log
                        + ":\n" + logTail(30));
            }
            try {
                process.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name, e);
            }
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

    /** SIGTERM, then the exit status; fails (after SIGKILL) when the process takes more than a minute to stop. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " (pid " + pid() + ") did not exit within 60 s of SIGTERM; log " + log);
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
