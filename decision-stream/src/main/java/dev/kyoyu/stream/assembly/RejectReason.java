package dev.kyoyu.stream.assembly;

import java.util.Locale;

/** Why a decision event did not become part of a decision; the lower-case name is the code on the wire and in metrics. */
public enum RejectReason {
    /** The payload breaks the contract of its event type (the field is named). */
    INVALID_PAYLOAD,
    /** A step without decision_id in a run with no open decision. */
    NO_OPEN_DECISION,
    /** A step without decision_id in a run with several open decisions. */
    AMBIGUOUS_DECISION,
    /** decision_id or revises names no decision this agent has open or made. */
    UNKNOWN_DECISION,
    /** A step for a decision that is already made: revise it instead. */
    DECISION_CLOSED,
    /** A new decision with an id that is already taken. */
    DUPLICATE_DECISION_ID,
    /** A revision of a decision that another revision already replaced. */
    ALREADY_REVISED,
    /** A valid_from outside TimeWindow, or a revision that would take effect before the decision it replaces. */
    INVALID_VALID_FROM,
    /** The decision would outgrow its limits (items, reasoning length, serialized size). */
    TOO_LARGE,
    /** The run already has the most open decisions allowed. */
    TOO_MANY_OPEN,
    /** Not a record of its topic's shape at all (not JSON, not an event): Kafka Streams' deserialization handler. */
    UNREADABLE,
    /** Processing it failed in a way no rule above foresaw: Kafka Streams' processing exception handler. */
    UNPROCESSABLE,
    /** What processing it produced was refused by the broker or could not be serialized: the production handler. */
    UNPUBLISHABLE;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
