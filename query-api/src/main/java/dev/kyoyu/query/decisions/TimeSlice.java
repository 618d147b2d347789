package dev.kyoyu.query.decisions;

import java.time.Instant;

/** Which versions of decisions a read sees, along valid time and transaction time. */
public sealed interface TimeSlice {
    /** Rows valid now as far as Kyoyu knows now: {@code valid_to IS NULL}. */
    record Current() implements TimeSlice {
    }

    /** Every version, superseded ones included. */
    record AllVersions() implements TimeSlice {
    }

    /**
     * What Kyoyu knew at {@code knownAt} about the decisions valid at {@code validAt} (both are {@code as_of}
     * unless a request separates them). A row qualifies when
     * <ol>
     *   <li>it was recorded by then: {@code transaction_time <= knownAt};</li>
     *   <li>it had taken effect: {@code valid_from <= validAt};</li>
     *   <li>and, as known at {@code knownAt}, it had not ended: {@code valid_to IS NULL OR valid_to > validAt
     *       OR COALESCE(valid_to_recorded_at, transaction_time) > knownAt}.</li>
     * </ol>
     * The last clause is what makes this "known then" rather than "true then as we know it now": a revision
     * recorded after {@code knownAt} that closed the row retroactively (valid_to before validAt) was not yet
     * known, so the row still counts. {@code valid_to_recorded_at} is stamped by a trigger (changeset 006);
     * NULL means the row was stored already closed, so its end was known from its transaction_time.
     */
    record AsOf(Instant knownAt, Instant validAt) implements TimeSlice {
    }

    TimeSlice CURRENT = new Current();
    TimeSlice ALL_VERSIONS = new AllVersions();
}
