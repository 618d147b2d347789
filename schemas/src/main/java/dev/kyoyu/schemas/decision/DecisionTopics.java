package dev.kyoyu.schemas.decision;

/**
 * Topics of the decision stream. Versioned like {@code kyoyu.events.v1}: a breaking change gets a new topic.
 * All three are keyed by {@code decision_type} (rejections by {@code agent_id}); see docs/decision-events.md.
 */
public final class DecisionTopics {
    /** Complete decisions ({@link DecisionRecord}), including revisions and the decisions of {@code /v1/trace}. */
    public static final String DECISIONS = "kyoyu.decisions.v1";
    /** Two agents disagreeing ({@link ConflictRecord}). */
    public static final String CONFLICTS = "kyoyu.conflicts.v1";
    /** Decision events the stream could not use ({@link RejectedDecisionEvent}); the events themselves stay stored. */
    public static final String REJECTED = "kyoyu.decisions.rejected.v1";

    private DecisionTopics() {
    }
}
