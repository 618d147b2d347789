package dev.kyoyu.query.runs;

import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.ReadPools;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Reads a run and its events from PostgreSQL.
 *
 * <p>Read-your-writes: a replica answers for a run only once it shows the run finished (completed or failed).
 * The run's events and its finish travel the same Kafka partition (keyed by agent), the finish after them, and
 * the sink stores a partition in order, so a replica that has the finish has every event stored before it. A run
 * the replica lacks or still shows running is read on the primary, so its writer sees what the primary has.
 */
public final class RunReader {
    private static final String RUN = """
            SELECT id, agent_id, status, started_at, completed_at, metadata::text
            FROM agent_runs WHERE id = ?""";
    // Only the run's own agent's events: the ingest API cannot check run ownership without state,
    // so events another agent posted to this run id never show up here.
    private static final String EVENTS = """
            SELECT id, kafka_offset, event_type, occurred_at, received_at, payload::text
            FROM agent_events
            WHERE run_id = ? AND agent_id = ? AND kafka_offset > ?
            ORDER BY kafka_offset
            LIMIT ?""";

    private final ReadPools pools;
    private final Tracer tracer;

    public RunReader(ReadPools pools, Tracer tracer) {
        this.pools = pools;
        this.tracer = tracer;
    }

    /** The run and up to {@code limit} events after {@code afterSequence}; empty when there is no such run. */
    public Served<Optional<RunView>> read(Consistency consistency, UUID runId, long afterSequence, int limit) throws SQLException {
        return pools.read(QueryType.RUN, consistency,
                (connection, onReplica) -> view(connection, runId, afterSequence, limit, onReplica),
                Optional::isPresent);
    }

    /** Empty when the run is absent, or when {@code finishedOnly} and it is still running (then its page is not read). */
    private Optional<RunView> view(Connection connection, UUID runId, long afterSequence, int limit, boolean finishedOnly)
            throws SQLException {
        Optional<RunView.Run> run = run(connection, runId);
        if (run.isEmpty() || finishedOnly && "running".equals(run.get().status())) {
            return Optional.empty();
        }
        return Optional.of(page(connection, run.get(), afterSequence, limit));
    }

    private Optional<RunView.Run> run(Connection connection, UUID runId) throws SQLException {
        Span span = tracer.spanBuilder("kyoyu.db.query").setAttribute("db.query.summary", "SELECT agent_runs").startSpan();
        try (Scope ignored = span.makeCurrent();
             PreparedStatement statement = connection.prepareStatement(RUN)) {
            statement.setObject(1, runId);
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RunView.Run(row.getObject(1, UUID.class), row.getString(2), row.getString(3),
                        instant(row.getTimestamp(4)), instant(row.getTimestamp(5)), row.getString(6)));
            }
        } finally {
            span.end();
        }
    }

    /** Up to {@code limit} events after {@code afterSequence}, and the cursor for the next page if there is one. */
    private RunView page(Connection connection, RunView.Run run, long afterSequence, int limit) throws SQLException {
        List<RunView.Event> events = new ArrayList<>();
        Span span = tracer.spanBuilder("kyoyu.db.query").setAttribute("db.query.summary", "SELECT agent_events").startSpan();
        try (Scope ignored = span.makeCurrent();
             PreparedStatement statement = connection.prepareStatement(EVENTS)) {
            statement.setObject(1, run.id());
            statement.setString(2, run.agentId());
            statement.setLong(3, afterSequence);
            statement.setInt(4, limit + 1);
            statement.setFetchSize(1000);
            try (ResultSet row = statement.executeQuery()) {
                while (row.next()) {
                    events.add(new RunView.Event(row.getObject(1, UUID.class), row.getLong(2), row.getString(3),
                            instant(row.getTimestamp(4)), instant(row.getTimestamp(5)), row.getString(6)));
                }
            }
        } finally {
            span.end();
        }
        Long next = null;
        if (events.size() > limit) {
            events.removeLast();
            next = events.getLast().sequence();
        }
        return new RunView(run, events, next);
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
