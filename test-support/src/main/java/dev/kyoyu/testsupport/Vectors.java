package dev.kyoyu.testsupport;

/** Vector arithmetic that tests compute on their own, to check what pgvector or a model answered. */
public final class Vectors {
    private Vectors() {
    }

    /** Cosine similarity: 1 for the same direction, 0 for orthogonal vectors. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double normA = 0;
        double normB = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            normA += (double) a[i] * a[i];
            normB += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(normA * normB);
    }
}
