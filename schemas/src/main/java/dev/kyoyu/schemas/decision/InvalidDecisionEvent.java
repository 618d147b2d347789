package dev.kyoyu.schemas.decision;

/** A decision event's payload breaks the contract; {@link #field()} names where, e.g. {@code payload.score}. */
public final class InvalidDecisionEvent extends Exception {
    private final String field;

    InvalidDecisionEvent(String field, String message) {
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
