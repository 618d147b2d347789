package dev.kyoyu.embedder.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny stand-in for a third-party embedding API on a loopback port: OpenAI's /v1/embeddings and Ollama's
 * /api/embeddings. Answers deterministic vectors, or the status the test sets; refuses (400) any input that
 * contains "REFUSE". Records every request.
 */
public final class StubEmbeddingServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Request(String path, String authorization, JsonNode body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int forcedStatus;
    private volatile int dimensions = EmbeddingProvider.DIMENSIONS;
    private volatile boolean reverseOrder;

    public StubEmbeddingServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/embeddings", exchange -> handle(exchange, true));
        server.createContext("/api/embeddings", exchange -> handle(exchange, false));
        server.start();
    }

    public URI openAiUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/embeddings");
    }

    public URI ollamaUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/embeddings");
    }

    /** Answer this status to every request (0: answer normally). */
    public void forceStatus(int status) {
        forcedStatus = status;
    }

    public void dimensions(int count) {
        dimensions = count;
    }

    /** OpenAI may return data items in any order; each carries its index. */
    public void reverseOrder(boolean reverse) {
        reverseOrder = reverse;
    }

    public List<Request> requests() {
        return requests;
    }

    /** The vector this stub answers for a text. */
    public static float[] vectorOf(String text, int dimensions) {
        float[] vector = new float[dimensions];
        int seed = text.hashCode();
        for (int i = 0; i < dimensions; i++) {
            vector[i] = ((seed >>> (i % 24)) & 15) / 16f + 0.01f * (i % 5) + 0.001f;
        }
        return vector;
    }

    private void handle(HttpExchange exchange, boolean openAi) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(new Request(exchange.getRequestURI().getPath(), exchange.getRequestHeaders().getFirst("Authorization"), body));
        if (forcedStatus != 0) {
            send(exchange, forcedStatus, "{\"error\":{\"message\":\"forced by the test\"}}");
            return;
        }
        if (body.toString().contains("REFUSE")) {
            send(exchange, 400, "{\"error\":{\"message\":\"input refused\"}}");
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        if (openAi) {
            ArrayNode data = answer.putArray("data");
            int n = body.path("input").size();
            for (int k = 0; k < n; k++) {
                int i = reverseOrder ? n - 1 - k : k;
                ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
                write(item.putArray("embedding"), vectorOf(body.path("input").get(i).asText(), dimensions));
            }
            answer.put("model", body.path("model").asText());
        } else {
            write(answer.putArray("embedding"), vectorOf(body.path("prompt").asText(), dimensions));
        }
        send(exchange, 200, answer.toString());
    }

    private static void write(ArrayNode array, float[] vector) {
        for (float v : vector) {
            array.add(v);
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
