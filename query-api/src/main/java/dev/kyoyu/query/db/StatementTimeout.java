package dev.kyoyu.query.db;

import dev.kyoyu.service.http.ApiException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * PostgreSQL's {@code statement_timeout} on every read of every query pool (KYOYU_QUERY_STATEMENT_TIMEOUT), so no
 * request can hold a connection and a backend for longer, and what a query cancelled by it answers: 503 naming the limit.
 */
public final class StatementTimeout {
    /** query_canceled: statement_timeout fired (nothing else cancels the pools' statements). */
    private static final String QUERY_CANCELED = "57014";
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String SET_LOCAL = "SELECT set_config('statement_timeout', ?, true)";

    private final Duration limit;

    public StatementTimeout(Duration limit) {
        this.limit = limit;
    }

    /**
     * Opens a transaction on {@code connection} whose statements the limit bounds (set_config(…, true), i.e. SET
     * LOCAL); the caller commits. Transaction-scoped because behind a transaction pooler (PgBouncer) a session
     * setting would stay on whichever server connection ran it, which other clients (a sink's COPY) get next, while
     * this pool's next statement runs on another one. Costs one round trip per read.
     */
    public void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement statement = connection.prepareStatement(SET_LOCAL)) {
            statement.setString(1, Long.toString(Math.max(1, limit.toMillis())));
            statement.execute();
        }
    }

    /**
     * Throws the client's 503 when {@code e} is the timeout; returns {@code e} otherwise, for the caller to throw:
     * {@code throw timeout.rethrow(e)}.
     */
    public SQLException rethrow(SQLException e) {
        if (QUERY_CANCELED.equals(e.getSQLState())) {
            throw ApiException.unavailable("the query ran longer than the statement timeout of " + limit.toMillis()
                    + " ms and was stopped; narrow the filters (agent_id, time_range) or retry later", RETRY_AFTER, e);
        }
        return e;
    }
}
