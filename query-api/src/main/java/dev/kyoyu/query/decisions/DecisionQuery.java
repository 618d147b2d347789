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
        VALID_FROM("d.valid_from", false),
        CONFIDENCE("d.confidence", true),
        TRANSACTION_TIME("d.transaction_time", false);

        final String column;
        /** Only a nullable key sorts its nulls last; on the others the index order serves as it is. */
        final boolean nullable;

        OrderBy(String column, boolean nullable) {
            this.column = column;
            this.nullable = nullable;
        }
    }

    public DecisionQuery {
        includes = Set.copyOf(includes);
    }
}
