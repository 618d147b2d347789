package dev.kyoyu.query.search;

import dev.kyoyu.embedder.provider.EmbeddingException;
import dev.kyoyu.embedder.provider.EmbeddingProvider;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Embeds search queries with the same provider the embedder stores vectors with. Inference runs on a few
 * platform threads, not on the request's virtual thread: a native ONNX call would pin the virtual thread's
 * carrier, and with as many carriers as cores a couple of concurrent searches would stall every request.
 *
 * <p>At most {@code queueSize} queries wait for a thread (KYOYU_SEARCH_EMBED_QUEUE); one more is refused at once
 * with {@link Saturated}, so a burst of searches neither grows memory nor holds request threads in a queue they
 * would time out in anyway. A waiting request gives up after the provider timeout.
 */
public final class QueryEmbedder implements AutoCloseable {
    /** Every embedding thread is busy and the queue in front of them is full: retry shortly. */
    public static final class Saturated extends Exception {
        public Saturated(String message) {
            super(message);
        }
    }

    private final EmbeddingProvider provider;
    private final ThreadPoolExecutor threads;
    private final Duration timeout;
    private final int queueSize;

    public QueryEmbedder(EmbeddingProvider provider, int threadCount, int queueSize, Duration timeout) {
        this.provider = provider;
        this.queueSize = queueSize;
        // A queue of 0 is a hand-off: a query is taken only by an idle thread.
        BlockingQueue<Runnable> queue = queueSize == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queueSize);
        this.threads = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS, queue,
                Thread.ofPlatform().name("query-embedder-", 0).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
        this.timeout = timeout;
    }

    public String model() {
        return provider.model();
    }

    public float[] embed(String text) throws EmbeddingException, Saturated {
        Future<float[]> vector;
        try {
            vector = threads.submit(() -> provider.embed(text));
        } catch (RejectedExecutionException e) {
            throw new Saturated("every embedding thread (" + threads.getMaximumPoolSize()
                    + ") is busy and the queue of waiting searches (" + queueSize + ") is full");
        }
        try {
            return vector.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof EmbeddingException embedding) {
                throw embedding;
            }
            throw new EmbeddingException.Unembeddable("embedding the query failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            cancel(vector);
            throw new EmbeddingException.Retriable("embedding the query took longer than " + timeout, e);
        } catch (InterruptedException e) {
            cancel(vector);
            Thread.currentThread().interrupt();
            throw new EmbeddingException.Retriable("interrupted while embedding the query", e);
        }
    }

    /** Stops the work and frees its place in the queue at once (a cancelled task would otherwise hold it). */
    private void cancel(Future<float[]> vector) {
        vector.cancel(true);
        threads.remove((Runnable) vector);
    }

    @Override
    public void close() {
        threads.shutdownNow();
        provider.close();
    }
}
