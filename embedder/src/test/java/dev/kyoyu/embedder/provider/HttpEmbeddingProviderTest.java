package dev.kyoyu.embedder.provider;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.auth.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP provider against a stub of the third-party API on a loopback port. */
class HttpEmbeddingProviderTest {
    private StubEmbeddingServer stub;

    @BeforeEach
    void startStub() throws Exception {
        stub = new StubEmbeddingServer();
    }

    @AfterEach
    void stopStub() {
        stub.close();
    }

    private HttpEmbeddingProvider openAi() {
        return new HttpEmbeddingProvider(HttpEmbeddingProvider.Api.OPENAI, stub.openAiUrl(), "text-embedding-3-small",
                new Secret("sk-test-key"), Duration.ofSeconds(5));
    }

    @Test
    void speaksOpenAisEmbeddingsApi() throws Exception {
        stub.reverseOrder(true);
        List<float[]> vectors = openAi().embed(List.of("first text", "second text"));
        assertArrayEquals(StubEmbeddingServer.vectorOf("first text", 384), vectors.get(0), "items are put back in input order");
        assertArrayEquals(StubEmbeddingServer.vectorOf("second text", 384), vectors.get(1));
        StubEmbeddingServer.Request request = stub.requests().getFirst();
        assertEquals("Bearer sk-test-key", request.authorization());
        assertEquals("text-embedding-3-small", request.body().path("model").asText());
        assertEquals(2, request.body().path("input").size());
        assertEquals(384, request.body().path("dimensions").asInt());
        assertEquals("openai:text-embedding-3-small", openAi().model());
    }

    @Test
    void speaksOllamasEmbeddingsApiOnePromptPerRequest() throws Exception {
        HttpEmbeddingProvider ollama = new HttpEmbeddingProvider(HttpEmbeddingProvider.Api.OLLAMA, stub.ollamaUrl(), "all-minilm",
                null, Duration.ofSeconds(5));
        List<float[]> vectors = ollama.embed(List.of("a", "b"));
        assertArrayEquals(StubEmbeddingServer.vectorOf("b", 384), vectors.get(1));
        assertEquals(2, stub.requests().size());
        assertEquals("all-minilm", stub.requests().getFirst().body().path("model").asText());
        assertEquals("a", stub.requests().getFirst().body().path("prompt").asText());
        assertEquals(null, stub.requests().getFirst().authorization(), "no key configured, no header");
        assertEquals("ollama:all-minilm", ollama.model());
    }

    @Test
    void classifiesFailuresWhereTheyHappen() {
        stub.forceStatus(503);
        assertThrows(EmbeddingException.Retriable.class, () -> openAi().embed("x"));
        stub.forceStatus(429);
        assertThrows(EmbeddingException.Retriable.class, () -> openAi().embed("x"));
        stub.forceStatus(401);
        EmbeddingException.Misconfigured unauthorized = assertThrows(EmbeddingException.Misconfigured.class, () -> openAi().embed("x"));
        assertTrue(unauthorized.getMessage().contains("401"));
        assertTrue(!unauthorized.getMessage().contains("sk-test-key"), "the key never appears in messages");
        stub.forceStatus(0);
        assertThrows(EmbeddingException.Unembeddable.class, () -> openAi().embed("please REFUSE this"));
        stub.dimensions(1536);
        EmbeddingException.Misconfigured wide = assertThrows(EmbeddingException.Misconfigured.class, () -> openAi().embed("x"));
        assertTrue(wide.getMessage().contains("1536 dimensions"), wide.getMessage());
    }

    @Test
    void anUnreachableProviderIsRetriable() {
        HttpEmbeddingProvider nowhere = new HttpEmbeddingProvider(HttpEmbeddingProvider.Api.OPENAI,
                URI.create("http://127.0.0.1:1/v1/embeddings"), "m", null, Duration.ofSeconds(2));
        assertThrows(EmbeddingException.Retriable.class, () -> nowhere.embed("x"));
    }
}
