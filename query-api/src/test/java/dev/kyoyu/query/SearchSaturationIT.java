package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bounded queue in front of search embeddings (KYOYU_SEARCH_EMBED_QUEUE), with an HTTP embedding provider that
 * holds every request until the test lets it answer: one embedding thread, one queued search, and every further
 * search is refused at once instead of waiting.
 */
class SearchSaturationIT {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestDatabase db;
    private static GatedEmbeddingServer provider;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() throws Exception {
        db = TestDatabase.create();
        provider = new GatedEmbeddingServer();
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_EMBEDDING_PROVIDER", "ollama");
        env.put("KYOYU_EMBEDDING_URL", provider.url().toString());
        env.put("KYOYU_EMBEDDING_MODEL", "all-minilm");
        env.put("KYOYU_EMBEDDING_TIMEOUT", "60s");
        env.put("KYOYU_SEARCH_EMBED_THREADS", "1");
        env.put("KYOYU_SEARCH_EMBED_QUEUE", "1");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        provider.close();
        db.close();
    }

    @Test
    @DisplayName("with the embedding thread busy and the queue full, a search is 503 with Retry-After at once; the held ones then answer")
    void refusesSearchesBeyondTheQueue() {
        String token = QueryTestApp.token("saturating-agent");
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<HttpJson.Response>> searches = new ArrayList<>();
            searches.add(CompletableFuture.supplyAsync(() -> http.postJson("/v1/search", token, Map.of("query", "first")), clients));
            Await.until(WAIT, "the first search occupies the embedding thread", () -> provider.received() == 1);
            for (int i = 0; i < 4; i++) {
                searches.add(CompletableFuture.supplyAsync(() -> http.postJson("/v1/search", token, Map.of("query", "more")), clients));
            }
            // One of the four waits in the queue; the other three are refused without waiting for the provider.
            Await.until(WAIT, "three searches are refused while the provider still holds the first",
                    () -> searches.stream().filter(CompletableFuture::isDone).count() >= 3);
            assertEquals(1, provider.received(), "the refused searches never reached the provider");
            List<HttpJson.Response> refused = searches.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join).toList();
            for (HttpJson.Response response : refused) {
                assertEquals(503, response.status(), response.raw().body());
                assertEquals("UNAVAILABLE", response.error().path("code").asText());
                String message = response.error().path("message").asText();
                assertTrue(message.contains("search is saturated") && message.contains("queue of waiting searches (1) is full"), message);
                assertTrue(response.raw().headers().firstValue("Retry-After").isPresent());
            }

            provider.open();
            long answered = searches.stream().map(s -> s.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join())
                    .filter(response -> response.status() == 200).count();
            assertEquals(2, answered, "the running and the queued search answer once the provider does");
        }
    }
}
