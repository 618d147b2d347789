package dev.kyoyu.query.decisions;

/**
 * How {@code /v1/search} finds the nearest decisions.
 *
 * @param efSearch     pgvector's {@code hnsw.ef_search}: candidates the graph walk keeps (recall against latency)
 * @param exactMaxRows a search whose filters leave at most this many decisions (by the planner's estimate) ranks them
 *                     all exactly instead of walking the graph: exact is then both cheap and right, where the graph,
 *                     built over every decision, reaches few of a narrow filter's nearest ones
 */
public record SearchTuning(int efSearch, long exactMaxRows) {
    /**
     * Recall@10 0.970 on the query bench's 106k decisions with the graph of changeset 010 (0.959 at 200, 0.933 at 40),
     * 4.1 ms a search; pgvector allows up to 1000.
     */
    public static final int DEFAULT_EF_SEARCH = 400;
    /** About 9 ms of exact ranking, idle, from the covering index of changeset 010 (15k decisions took 6.4 ms). */
    public static final int DEFAULT_EXACT_MAX_ROWS = 20_000;
}
