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
    /** A revision that would take effect before the decision it replaces. */
    INVALID_VALID_FROM,
    /** The decision would outgrow its limits (items, reasoning length, serialized size). */
    TOO_LARGE,
    /** The run already has the most open decisions allowed. */
    TOO_MANY_OPEN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
