package dev.kyoyu.embedder;

import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** The embedder's environment on the test's own database, polling fast, plus a /metrics reader. */
final class EmbedderTestEnv {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmbedderTestEnv() {
    }

    static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_EMBEDDER_PORT", "0");
        env.put("KYOYU_PG_URL", db.url());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        env.put("KYOYU_EMBEDDER_IDLE_BACKOFF_MIN", "20ms");
        env.put("KYOYU_EMBEDDER_IDLE_BACKOFF_MAX", "200ms");
        env.put("KYOYU_EMBEDDER_RETRY_MAX_BACKOFF", "300ms");
        return env;
    }

    static HttpResponse<String> get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The sum of a metric's series that carry {@code label} (e.g. {@code source="model"}; "" for all). */
    static double metric(int port, String name, String label) {
        return get(port, "/metrics").body().lines()
                .filter(line -> line.startsWith(name + "{") && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
