package dev.kyoyu.schemas;

/** Kafka topic names of the event contract. Versioned: a breaking change gets a new topic. */
public final class Topics {
    public static final String EVENTS = "kyoyu.events.v1";
    public static final String EVENTS_DLQ = "kyoyu.events.dlq";

    private Topics() {
    }
}
