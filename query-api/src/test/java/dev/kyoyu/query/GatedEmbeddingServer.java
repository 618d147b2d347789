package dev.kyoyu.query;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for Ollama's /api/embeddings on a loopback port that holds every request until the test opens the
 * gate, so the test controls how long an embedding takes. Answers the same 384-wide vector to every prompt.
 */
final class GatedEmbeddingServer implements AutoCloseable {
    private final HttpServer server;
    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();

    GatedEmbeddingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/embeddings", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/embeddings");
    }

    /** Requests that reached the server (held or answered). */
    int received() {
        return received.get();
    }

    void open() {
        gate.countDown();
    }

    private void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        received.incrementAndGet();
        try {
            gate.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        StringBuilder vector = new StringBuilder("{\"embedding\":[");
        for (int i = 0; i < 384; i++) {
            vector.append(i == 0 ? "" : ",").append(i % 7 == 0 ? "0.5" : "0.01");
        }
        byte[] body = vector.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        open();
        server.stop(0);
    }
}
