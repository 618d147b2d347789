package dev.kyoyu.bench.query;

import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.decisions.DecisionFilter;
import dev.kyoyu.query.decisions.DecisionQuery;
import dev.kyoyu.query.decisions.DecisionStatements;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.query.decisions.TimeSlice;
import io.opentelemetry.api.OpenTelemetry;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Set;

/**
 * The baseline: query-api's own statements ({@link DecisionStatements}) for a query, run straight over JDBC on
 * one connection: no HTTP, no JSON, no pool, no query embedding. The caller is an admin (no agent scope).
 */
final class DirectSql {
    private static final ReadScope ADMIN = ReadScope.everyone("bench");

    private final Connection connection;
    private final SearchTuning tuning;
    private final DecisionStatements statements = new DecisionStatements(OpenTelemetry.noop().getTracer("bench"));

    /** {@code tuning}: what query-api uses (KYOYU_SEARCH_EF_SEARCH, KYOYU_SEARCH_EXACT_MAX_ROWS), so both search alike. */
    DirectSql(Connection connection, SearchTuning tuning) throws SQLException {
        this.connection = connection;
        this.tuning = tuning;
        // query-api's pool is read-only (Hikari readOnly), so every transaction of it is READ ONLY; so are these.
        connection.setReadOnly(true);
    }

    /** Runs the query's statements; returns the decisions on its page (or search hits). */
    int run(QuerySpec spec, float[] vector) throws SQLException {
        DecisionFilter filter = new DecisionFilter(spec.agents(), null, spec.decisionTypes(), spec.outcomes(),
                spec.confidenceMin(), spec.from(), spec.to());
        Set<DecisionQuery.Include> includes = spec.include()
                ? Set.of(DecisionQuery.Include.ALTERNATIVES, DecisionQuery.Include.EVIDENCE) : Set.of();
        try {
            if (spec.type() == QuerySpec.Type.VECTOR) {
                return statements.search(connection, vector, filter, new TimeSlice.Current(), ADMIN, spec.limit(), tuning,
                        includes).size();
            }
            TimeSlice slice = spec.type() == QuerySpec.Type.TEMPORAL
                    ? new TimeSlice.AsOf(spec.asOf(), spec.validAt() == null ? spec.asOf() : spec.validAt())
                    : new TimeSlice.Current();
            DecisionQuery query = new DecisionQuery(filter, slice, includes,
                    DecisionQuery.OrderBy.valueOf(spec.orderBy().toUpperCase(Locale.ROOT)), true, spec.limit(), 0);
            return statements.query(connection, query, ADMIN).decisions().size();
        } finally {
            // Hikari resets what a query changed when query-api hands the connection back; this is that reset.
            connection.setAutoCommit(true);
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
    }
}
