package dev.kyoyu.query.decisions;

import java.util.Set;

/** A page of decisions: which ones, which versions, what to include, in which order. */
public record DecisionQuery(
        DecisionFilter filter,
        TimeSlice slice,
        Set<Include> includes,
        OrderBy orderBy,
        boolean descending,
        int limit,
        int offset) {

    public enum Include { ALTERNATIVES, EVIDENCE }

    /** Sort keys; each maps to a fixed SQL expression, never to client text. Ties break on id. */
    public enum OrderBy {
        VALID_FROM("d.valid_from"),
        CONFIDENCE("d.confidence"),
        TRANSACTION_TIME("d.transaction_time");

        final String column;

        OrderBy(String column) {
            this.column = column;
        }
    }

    public DecisionQuery {
        includes = Set.copyOf(includes);
    }
}
