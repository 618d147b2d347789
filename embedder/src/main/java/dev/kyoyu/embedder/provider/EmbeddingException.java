package dev.kyoyu.embedder.provider;

/**
 * Embedding failed. The subclass says what to do about it: {@link Retriable} (try again after a pause),
 * {@link Unembeddable} (this text will never embed; others may) or {@link Misconfigured} (no text will
 * embed until an operator fixes the provider's settings).
 */
public abstract sealed class EmbeddingException extends Exception {
    private EmbeddingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The provider is unreachable, overloaded or timed out. */
    public static final class Retriable extends EmbeddingException {
        public Retriable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The provider refused this input. */
    public static final class Unembeddable extends EmbeddingException {
        public Unembeddable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Wrong key, URL, model or vector width: every call will fail the same way. */
    public static final class Misconfigured extends EmbeddingException {
        public Misconfigured(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
