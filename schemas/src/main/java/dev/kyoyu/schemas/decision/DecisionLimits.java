package dev.kyoyu.schemas.decision;

import java.util.regex.Pattern;

/**
 * The limits of a decision, however it arrives: whole through {@code /v1/trace}, as granular decision
 * events, or assembled from them by the decision stream. Kept in one place so that what one stage accepts
 * the next can store (docs/decision-events.md lists them for clients).
 */
public final class DecisionLimits {
    /** Alternatives, and pieces of evidence, per decision. */
    public static final int MAX_ITEMS = 100;
    public static final int MAX_DECISION_TYPE = 100;
    public static final int MAX_OUTCOME = 1000;
    /** The whole reasoning of a decision, also when assembled from ReasoningStepCompleted events. */
    public static final int MAX_REASONING = 100_000;
    public static final int MAX_LABEL = 1000;
    public static final int MAX_REJECTION_REASON = 10_000;
    public static final int MAX_SOURCE_TYPE = 100;
    public static final int MAX_SOURCE_URI = 2000;
    public static final int MAX_EVIDENCE_CONTENT = 100_000;
    /** Decisions an agent may have started and not yet made in one run. */
    public static final int MAX_OPEN_PER_RUN = 100;

    /** e.g. {@code loan_approval}, {@code risk:limit-change}. */
    static final Pattern DECISION_TYPE = Pattern.compile("^[A-Za-z][A-Za-z0-9_.:-]{0," + (MAX_DECISION_TYPE - 1) + "}$");

    private DecisionLimits() {
    }
}
