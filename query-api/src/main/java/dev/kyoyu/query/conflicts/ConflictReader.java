package dev.kyoyu.query.conflicts;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.PageWithTotal;
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

/**
 * Reads the conflicts table that the decision stream fills (changeset 007): two agents, same decision type,
 * different outcomes. Ids are read as text so this stays agnostic of whether they are uuid or text columns.
 * A caller sees a conflict only when it may read both agents' decisions: a conflict shows both outcomes.
 */
public final class ConflictReader {
    private static final String COLUMNS = """
            c.id::text, c.decision_type, c.decision_a_id::text, c.decision_b_id::text, c.agent_a_id, c.agent_b_id,
            c.outcome_a, c.outcome_b, c.detected_at""";

    /** Named as in the table and on kyoyu.conflicts.v1 (snake_case alone would write agentAId as agent_aid). */
    public record Conflict(String id, String decisionType,
                           @JsonProperty("decision_a_id") String decisionAId, @JsonProperty("decision_b_id") String decisionBId,
                           @JsonProperty("agent_a_id") String agentAId, @JsonProperty("agent_b_id") String agentBId,
                           @JsonProperty("outcome_a") String outcomeA, @JsonProperty("outcome_b") String outcomeB,
                           Instant detectedAt) {
    }

    /** Filters on /v1/conflicts; null means no condition. {@code agentId} matches either side. */
    public record Filter(String agentId, String decisionType, Instant detectedFrom, Instant detectedBefore) {
    }

    public record Page(List<Conflict> conflicts, long total) {
    }

    private final ReadPools pools;
    private final Tracer tracer;

    public ConflictReader(ReadPools pools, Tracer tracer) {
        this.pools = pools;
        this.tracer = tracer;
    }

    public Served<Page> page(Consistency consistency, Filter filter, ReadScope scope, int limit, int offset) throws SQLException {
        return pools.read(QueryType.CONFLICTS, consistency, (connection, onReplica) -> page(connection, filter, scope, limit, offset));
    }

    private Page page(Connection connection, Filter filter, ReadScope scope, int limit, int offset) throws SQLException {
        List<String> clauses = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        if (!scope.everyone()) {
            clauses.add("c.agent_a_id = ANY(?) AND c.agent_b_id = ANY(?)");
            String[] agents = scope.agents().toArray(String[]::new);
            values.add(agents);
            values.add(agents);
        }
        if (filter.agentId() != null) {
            clauses.add("(c.agent_a_id = ? OR c.agent_b_id = ?)");
            values.add(filter.agentId());
            values.add(filter.agentId());
        }
        if (filter.decisionType() != null) {
            clauses.add("c.decision_type = ?");
            values.add(filter.decisionType());
        }
        if (filter.detectedFrom() != null) {
            clauses.add("c.detected_at >= ?");
            values.add(Timestamp.from(filter.detectedFrom()));
        }
        if (filter.detectedBefore() != null) {
            clauses.add("c.detected_at < ?");
            values.add(Timestamp.from(filter.detectedBefore()));
        }
        String where = clauses.isEmpty() ? "TRUE" : String.join(" AND ", clauses);
        Span span = tracer.spanBuilder("kyoyu.db.query").setAttribute("db.query.summary", "SELECT conflicts").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            PageWithTotal.Page<Conflict> page = PageWithTotal.fetch(connection, COLUMNS, "conflicts c", where,
                    (statement, index) -> bind(connection, statement, values, index), "c.detected_at DESC, c.id DESC", limit, offset,
                    ConflictReader::conflict);
            return new Page(page.rows(), page.total());
        } finally {
            span.end();
        }
    }

    private static Conflict conflict(ResultSet row) throws SQLException {
        Timestamp detected = row.getTimestamp(9);
        return new Conflict(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getString(7), row.getString(8), detected == null ? null : detected.toInstant());
    }

    /** Binds {@code values} from parameter {@code index} on; returns the next free index. */
    private static int bind(Connection connection, PreparedStatement statement, List<Object> values, int index) throws SQLException {
        for (Object value : values) {
            if (value instanceof String[] array) {
                statement.setArray(index++, connection.createArrayOf("text", array));
            } else {
                statement.setObject(index++, value);
            }
        }
        return index;
    }
}
