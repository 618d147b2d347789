package dev.kyoyu.query.search;

import dev.kyoyu.embedder.provider.EmbeddingException;
import dev.kyoyu.embedder.provider.EmbeddingProvider;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Embeds search queries with the same provider the embedder stores vectors with. Inference runs on a few
 * platform threads, not on the request's virtual thread: a native ONNX call would pin the virtual thread's
 * carrier, and with as many carriers as cores a couple of concurrent searches would stall every request.
 */
public final class QueryEmbedder implements AutoCloseable {
    private final EmbeddingProvider provider;
    private final ExecutorService threads;
    private final Duration timeout;

    public QueryEmbedder(EmbeddingProvider provider, int threadCount, Duration timeout) {
        this.provider = provider;
        this.threads = Executors.newFixedThreadPool(threadCount, Thread.ofPlatform().name("query-embedder-", 0).daemon().factory());
        this.timeout = timeout;
    }

    public String model() {
        return provider.model();
    }

    public float[] embed(String text) throws EmbeddingException {
        Future<float[]> vector = threads.submit(() -> provider.embed(text));
        try {
            return vector.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EmbeddingException embedding) {
                throw embedding;
            }
            throw new EmbeddingException.Unembeddable("embedding the query failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            vector.cancel(true);
            throw new EmbeddingException.Retriable("embedding the query took longer than " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddingException.Retriable("interrupted while embedding the query", e);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
        provider.close();
    }
}
