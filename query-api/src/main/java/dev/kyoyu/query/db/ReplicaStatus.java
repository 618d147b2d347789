package dev.kyoyu.query.db;

import java.time.Duration;
import java.time.Instant;

/**
 * What the last check of a replica found.
 *
 * @param lag       how far the replica's data was behind the primary at {@code checkedAt}; null when unknown
 * @param checkedAt when that was measured
 * @param problem   why the replica cannot serve at all (unreachable, not a standby, lag unknown); null when it can
 */
public record ReplicaStatus(Duration lag, Instant checkedAt, String problem) {

    /** Health and routing say one of these. */
    public enum State { SERVING, LAGGING, UNAVAILABLE }

    private static final String UNCHECKED = "not checked yet";

    /** Before the first check: nothing is known, so nothing is served. */
    static ReplicaStatus unchecked(Instant now) {
        return new ReplicaStatus(null, now, UNCHECKED);
    }

    boolean unchecked() {
        return lag == null && UNCHECKED.equals(problem);
    }

    static ReplicaStatus unavailable(String problem, Instant now) {
        return new ReplicaStatus(null, now, problem);
    }

    /**
     * Reads the lag check's answer. The age of the last replayed transaction is the lag while the replica
     * replays; an idle primary writes nothing, so that age grows without the replica falling behind: a replica
     * that has replayed all it received, with its WAL receiver connected, is caught up (lag 0).
     *
     * @param replayAgeSeconds {@code now() - pg_last_xact_replay_timestamp()}; null when nothing was replayed
     */
    static ReplicaStatus measured(boolean inRecovery, boolean caughtUp, Double replayAgeSeconds, Instant now) {
        if (!inRecovery) {
            return unavailable("not a standby: pg_is_in_recovery() is false (promoted, or the primary's address)", now);
        }
        if (caughtUp) {
            return new ReplicaStatus(Duration.ZERO, now, null);
        }
        if (replayAgeSeconds == null) {
            return unavailable("lag unknown: nothing replayed since the replica started, and it is not caught up", now);
        }
        long nanos = (long) (Math.max(0, replayAgeSeconds) * 1e9);
        return new ReplicaStatus(Duration.ofNanos(nanos), now, null);
    }

    /**
     * How far behind the primary the replica's data may be at {@code now}: the measured lag plus the time since
     * it was measured (replay may have stalled right after the check). Null when unknown.
     */
    public Duration staleness(Instant now) {
        if (lag == null || problem != null) {
            return null;
        }
        Duration age = Duration.between(checkedAt, now);
        return lag.plus(age.isNegative() ? Duration.ZERO : age);
    }

    public State state(Instant now, Duration maxLag) {
        Duration staleness = staleness(now);
        if (staleness == null) {
            return State.UNAVAILABLE;
        }
        return staleness.compareTo(maxLag) <= 0 ? State.SERVING : State.LAGGING;
    }
}
