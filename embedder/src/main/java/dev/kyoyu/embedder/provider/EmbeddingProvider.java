package dev.kyoyu.embedder.provider;

import java.util.List;

/**
 * Turns texts into 384-dimensional vectors. The embedder stores them; query-api embeds search queries with
 * the same provider, so both sides of a cosine distance come from the same model.
 */
public interface EmbeddingProvider extends AutoCloseable {
    /** The width of {@code decisions.embedding} (halfvec(384)); every provider must produce exactly this. */
    int DIMENSIONS = 384;

    /** What produced a vector, stored beside it: {@code all-minilm-l6-v2-q}, {@code openai:<model>}, {@code ollama:<model>}. */
    String model();

    /** One vector per text, in order. */
    List<float[]> embed(List<String> texts) throws EmbeddingException;

    default float[] embed(String text) throws EmbeddingException {
        return embed(List.of(text)).getFirst();
    }

    @Override
    default void close() {
    }
}
