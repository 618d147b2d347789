package dev.kyoyu.embedder.claim;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.embedder.provider.EmbeddingProvider;

/**
 * A vector the client computed itself and sent in the decision's {@code metadata.embedding}: used when it is
 * exactly 384 numbers that a half-precision float can hold (the column is {@code halfvec}, changeset 010) and
 * that are not all zero at that precision (cosine distance needs a direction).
 */
public final class ClientVector {
    public static final String MODEL = "client";
    private static final float HALF_MAX = Float.float16ToFloat((short) 0x7bff);

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
            if (!value.isNumber()) {
                return new Parsed(null, "metadata.embedding[" + i + "] is not a number");
            }
            float half = Float.float16ToFloat(Float.floatToFloat16((float) value.asDouble()));
            if (!Float.isFinite(half)) {
                return new Parsed(null, "metadata.embedding[" + i + "] is " + value.asText()
                        + ", outside what a half-precision vector holds (±" + HALF_MAX + ")");
            }
            vector[i] = half;
            nonZero |= half != 0f;
        }
        return nonZero ? new Parsed(vector, null) : new Parsed(null, "metadata.embedding is all zeros at half precision");
    }
}
