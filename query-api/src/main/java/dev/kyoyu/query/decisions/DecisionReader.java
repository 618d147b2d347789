package dev.kyoyu.query.decisions;

import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.ReadPools;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import io.opentelemetry.api.trace.Tracer;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;

/** Reads decisions (and on request their alternatives and evidence) for the structured, temporal and vector queries. */
public final class DecisionReader {
    private final ReadPools pools;
    private final DecisionStatements statements;

    public DecisionReader(ReadPools pools, Tracer tracer) {
        this.pools = pools;
        this.statements = new DecisionStatements(tracer);
    }

    /** A page of decisions and the total; {@code type} names the endpoint for metrics (structured, temporal, history). */
    public Served<DecisionStatements.Page> query(QueryType type, Consistency consistency, DecisionQuery query, ReadScope scope)
            throws SQLException {
        return pools.read(type, consistency, (connection, onReplica) -> statements.query(connection, query, scope));
    }

    /** The nearest decisions to {@code vector}; see {@link DecisionStatements#search}. */
    public Served<List<DecisionStatements.Hit>> search(Consistency consistency, float[] vector, DecisionFilter filter,
                                                       TimeSlice slice, ReadScope scope, int limit, SearchTuning tuning,
                                                       Set<DecisionQuery.Include> includes) throws SQLException {
        return pools.read(QueryType.SEARCH, consistency,
                (connection, onReplica) -> statements.search(connection, vector, filter, slice, scope, limit, tuning, includes));
    }
}
