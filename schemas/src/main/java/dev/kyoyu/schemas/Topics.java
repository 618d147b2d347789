package dev.kyoyu.schemas;

/**
 * Kafka topic names of the contract. Versioned: a breaking change gets a new topic. Events are keyed by
 * agent_id; decisions and conflicts by decision_type (see docs/decision-events.md).
 */
public final class Topics {
    public static final String EVENTS = "kyoyu.events.v1";
    public static final String EVENTS_DLQ = "kyoyu.events.dlq";
    /** Whole decisions, assembled by the decision stream. */
    public static final String DECISIONS = "kyoyu.decisions.v1";
    /** Two agents' currently valid decisions of one type that disagree. */
    public static final String CONFLICTS = "kyoyu.conflicts.v1";
    /** Granular decision events the decision stream could not use, with the field and the reason. */
    public static final String DECISIONS_REJECTED = "kyoyu.decisions.rejected.v1";

    /** Agents, API keys (hashes), role revocations and grants; compacted, one partition, followed by every API replica. */
    public static final String IDENTITIES = "kyoyu.identities.v1";

    private Topics() {
    }
}
