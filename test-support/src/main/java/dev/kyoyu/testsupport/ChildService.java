package dev.kyoyu.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A service's {@code main} in a child JVM on this test's classpath: a real separate process, with its
 * own heap limit, that can be signalled. Waits until its /health answers 200.
 */
public final class ChildService implements AutoCloseable {
    private final Process process;
    private final int port;

    private ChildService(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * @param portVariable the env variable that sets the service's HTTP port (a free one is chosen)
     * @param heap         e.g. "64m"
     */
    public static ChildService start(Class<?> mainClass, Map<String, String> env, String portVariable, String heap) {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), mainClass.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.environment().put(portVariable, Integer.toString(port));
        File log = new File("target/" + mainClass.getSimpleName() + "-" + port + ".log");
        builder.redirectErrorStream(true).redirectOutput(log);
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + mainClass.getName(), e);
        }
        ChildService child = new ChildService(process, port);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Await.until(Duration.ofSeconds(60), mainClass.getSimpleName() + " healthy on port " + port + " (log: " + log + ")", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(mainClass.getSimpleName() + " exited with " + process.exitValue() + "; see " + log);
            }
            return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return child;
    }

    public int port() {
        return port;
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, then the exit status (waits up to a minute). */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("process did not exit within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            terminate();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
