package dev.kyoyu.schemas.event;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * Event types. The known ones drive derived rows (runs now, decisions later); any other
 * well-formed type is stored as it is, so agents can record what Kyoyu does not model yet.
 */
public final class EventTypes {
    public static final String RUN_STARTED = "RunStarted";
    public static final String RUN_COMPLETED = "RunCompleted";
    public static final String RUN_FAILED = "RunFailed";
    /** A whole decision from {@code POST /v1/trace}; its payload is a {@link TracedDecision}. */
    public static final String DECISION_TRACED = "DecisionTraced";

    public static final Set<String> KNOWN = Set.of(
            RUN_STARTED, RUN_COMPLETED, RUN_FAILED, DECISION_TRACED,
            "ToolCalled", "ToolResult", "Message", "Observation", "Error",
            "DecisionStarted", "AlternativeConsidered", "EvidenceGathered",
            "ReasoningStepCompleted", "DecisionMade", "DecisionRevised");

    /** PascalCase words, optionally dot-namespaced: {@code ToolCalled}, {@code acme.RiskScored}. */
    private static final Pattern WELL_FORMED = Pattern.compile("^([a-z][a-z0-9_]*\\.)*[A-Z][A-Za-z0-9]{0,99}$");

    /** Lifecycle types only the ingest API itself publishes; clients may not post them as plain events. */
    public static final Set<String> RESERVED = Set.of(RUN_STARTED, RUN_COMPLETED, RUN_FAILED, DECISION_TRACED);

    private EventTypes() {
    }

    public static boolean isWellFormed(String type) {
        return type.length() <= 128 && WELL_FORMED.matcher(type).matches();
    }
}
