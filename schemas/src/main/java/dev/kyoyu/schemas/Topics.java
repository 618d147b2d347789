package dev.kyoyu.schemas;

/** Kafka topic names of the event contract. Versioned: a breaking change gets a new topic. */
public final class Topics {
    public static final String EVENTS = "kyoyu.events.v1";
    public static final String EVENTS_DLQ = "kyoyu.events.dlq";
    /** Whole decisions, assembled by the decision stream. */
    public static final String DECISIONS = "kyoyu.decisions.v1";
    /** Two agents' currently valid decisions of one type that disagree. */
    public static final String CONFLICTS = "kyoyu.conflicts.v1";

    private Topics() {
    }
}
