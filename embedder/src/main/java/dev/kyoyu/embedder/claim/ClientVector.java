package dev.kyoyu.embedder.claim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.embedder.provider.EmbeddingProvider;

/**
 * A vector the client computed itself and sent in the decision's {@code metadata.embedding}: stored as is
 * when it is exactly 384 finite numbers that are not all zero (cosine distance needs a direction).
 */
public final class ClientVector {
    public static final String MODEL = "client";

    /** The vector, or why it cannot be used. */
    public record Parsed(float[] vector, String problem) {
    }

    private ClientVector() {
    }

    public static Parsed parse(JsonNode node) {
        if (!node.isArray() || node.size() != EmbeddingProvider.DIMENSIONS) {
            return new Parsed(null, "metadata.embedding must be an array of " + EmbeddingProvider.DIMENSIONS + " numbers"
                    + (node.isArray() ? "; it has " + node.size() : ""));
        }
        float[] vector = new float[node.size()];
        boolean nonZero = false;
        for (int i = 0; i < vector.length; i++) {
            JsonNode value = node.get(i);
            double d = value.asDouble();
            if (!value.isNumber() || !Double.isFinite(d) || Math.abs(d) > Float.MAX_VALUE) {
                return new Parsed(null, "metadata.embedding[" + i + "] is not a finite number");
            }
            vector[i] = (float) d;
            nonZero |= vector[i] != 0f;
        }
        return nonZero ? new Parsed(vector, null) : new Parsed(null, "metadata.embedding is all zeros");
    }
}
