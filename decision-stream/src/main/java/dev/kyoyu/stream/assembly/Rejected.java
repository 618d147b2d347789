package dev.kyoyu.stream.assembly;

/** Thrown inside the assembler when an event cannot be used; caught once, where it is reported. */
final class Rejected extends Exception {
    private final RejectReason reason;
    private final String field;

    Rejected(RejectReason reason, String field, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.field = field;
    }

    RejectReason reason() {
        return reason;
    }

    String field() {
        return field;
    }
}
