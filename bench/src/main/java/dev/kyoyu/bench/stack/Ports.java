package dev.kyoyu.bench.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Loopback ports for the services the bench starts, and waiting until one answers. */
public final class Ports {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Ports() {
    }

    /** A port nobody listens on right now (the stack's own 8080-8082 stay untouched). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Waits until GET /health answers 200; fails early with the log's tail if the process exits. */
    public static void awaitHealthy(ChildProcess child, int port, Duration timeout) throws InterruptedException {
        awaitStatus(child, port, "/health", timeout, true);
    }

    /** Waits until the port answers HTTP at all (a sink worker reports 503 until it owns partitions). */
    public static void awaitListening(ChildProcess child, int port, Duration timeout) throws InterruptedException {
        awaitStatus(child, port, "/health", timeout, false);
    }

    public static String get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void awaitStatus(ChildProcess child, int port, String path, Duration timeout, boolean require200)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI uri = URI.create("http://127.0.0.1:" + port + path);
        while (System.nanoTime() < deadline) {
            if (!child.isAlive()) {
                throw new IllegalStateException(child.name() + " exited during startup; log " + child.log() + ":\n" + child.logTail(30));
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || !require200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(child.name() + " did not answer on " + uri + " within " + timeout
                + "; log " + child.log() + ":\n" + child.logTail(30));
    }
}
