package dev.kyoyu.schemas.decision;

/**
 * A decision, or a decision event's payload, breaks the decision contract; {@link #field()} names where,
 * e.g. {@code decision.alternatives[2].label} or {@code payload.score}.
 */
public final class InvalidDecision extends Exception {
    private final String field;

    InvalidDecision(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }

    /** The message without the field prefix. */
    public String reason() {
        return getMessage().substring(field.length() + 2);
    }
}
