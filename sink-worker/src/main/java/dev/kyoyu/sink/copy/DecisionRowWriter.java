package dev.kyoyu.sink.copy;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import dev.kyoyu.schemas.event.TimeWindow;
import dev.kyoyu.schemas.event.TracedDecision;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes decisions with their alternatives and evidence inside the caller's transaction. Reusable from
 * any topic that carries whole decisions. Idempotent: replaying the same decision changes nothing, since
 * child row ids derive from the decision id and every insert skips rows already there.
 *
 * <p>Revisions: a row that {@code revises} another closes it (valid_to = the revision's valid_from); the old
 * row is otherwise left as it was. Two writers store decisions (the events sink for {@code /v1/trace}, the
 * decisions sink for everything the decision stream publishes), so a revision can be stored before the row
 * it revises. Closing therefore runs both ways, for revisions just written and for rows just written whose
 * revision is already there, under advisory locks on the decision ids so that two concurrent transactions
 * cannot each miss the other's half.
 */
public final class DecisionRowWriter {
    private static final NameBasedGenerator CHILD_IDS =
            Generators.nameBasedGenerator(UUID.fromString("9a0f7c1e-2b6d-4f3a-8e51-64656369736e"));

    /** Advisory-lock namespace (the two-key form): decision ids, hashed. */
    private static final int LOCK_NAMESPACE = 0x4B594F44;
    /** Takes the locks in the order of the array; sorted, so that two writers never wait on each other in a cycle. */
    private static final String LOCK = "SELECT count(pg_advisory_xact_lock(?, k)) FROM unnest(?::int[]) AS k";
    private static final String DECISION = """
            INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, confidence, reasoning, metadata,
                                   valid_from, source_event_id, revises)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    /** Only a decision's own agent revises it: another agent's row naming it in revises never closes it. */
    private static final String CLOSE_REVISED = """
            UPDATE decisions AS revised SET valid_to = revision.valid_from
            FROM decisions AS revision
            WHERE revision.revises = revised.id AND revised.valid_to IS NULL AND revision.agent_id = revised.agent_id
              AND (revised.id = ANY (?) OR revision.id = ANY (?))""";
    private static final String OWNERS = "SELECT id, agent_id FROM decisions WHERE id = ANY (?)";
    private static final String ALTERNATIVE = """
            INSERT INTO alternatives (id, decision_id, position, label, score, selected, rejection_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String EVIDENCE = """
            INSERT INTO evidence (id, decision_id, position, source_type, source_uri, content, relevance_score)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";

    /**
     * A decision and where it came from.
     *
     * @param revises the decision this one replaces, which the write closes; null for a first decision
     */
    public record Row(TracedDecision decision, UUID runId, String agentId, Instant occurredAt, UUID sourceEventId, UUID revises) {
        public Row(TracedDecision decision, UUID runId, String agentId, Instant occurredAt, UUID sourceEventId) {
            this(decision, runId, agentId, occurredAt, sourceEventId, null);
        }
    }

    /**
     * Throws {@link RefusedRecordException} for a row that can never be stored: a valid time no timestamp holds,
     * an id that already belongs to another agent's decision, or a revision of another agent's decision. The
     * caller writes such a batch row by row and dead-letters the refused one; another agent's decision is never
     * overwritten, revised or given children.
     */
    public void write(Connection connection, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        rows.forEach(DecisionRowWriter::checkValidTime);
        lock(connection, rows);
        checkOwners(connection, rows);
        try (PreparedStatement decisions = connection.prepareStatement(DECISION);
             PreparedStatement alternatives = connection.prepareStatement(ALTERNATIVE);
             PreparedStatement evidence = connection.prepareStatement(EVIDENCE)) {
            for (Row row : rows) {
                TracedDecision d = row.decision();
                decisions.setObject(1, d.id());
                decisions.setObject(2, row.runId());
                decisions.setString(3, row.agentId());
                decisions.setString(4, d.decisionType());
                decisions.setString(5, d.outcome());
                setDouble(decisions, 6, d.confidence());
                decisions.setString(7, d.reasoning());
                decisions.setString(8, d.metadata() == null ? "{}" : d.metadata().toString());
                decisions.setTimestamp(9, Timestamp.from(validFrom(row)));
                decisions.setObject(10, row.sourceEventId());
                decisions.setObject(11, row.revises());
                decisions.addBatch();
                for (int i = 0; i < d.alternatives().size(); i++) {
                    TracedDecision.Alternative a = d.alternatives().get(i);
                    alternatives.setObject(1, childId(d.id(), "alternative", i));
                    alternatives.setObject(2, d.id());
                    alternatives.setInt(3, i);
                    alternatives.setString(4, a.label());
                    setDouble(alternatives, 5, a.score());
                    alternatives.setBoolean(6, a.selected());
                    alternatives.setString(7, a.rejectionReason());
                    alternatives.addBatch();
                }
                for (int i = 0; i < d.evidence().size(); i++) {
                    TracedDecision.Evidence e = d.evidence().get(i);
                    evidence.setObject(1, childId(d.id(), "evidence", i));
                    evidence.setObject(2, d.id());
                    evidence.setInt(3, i);
                    evidence.setString(4, e.sourceType());
                    evidence.setString(5, e.sourceUri());
                    evidence.setString(6, e.content());
                    setDouble(evidence, 7, e.relevanceScore());
                    evidence.addBatch();
                }
            }
            // Parents first: the children reference them.
            decisions.executeBatch();
            alternatives.executeBatch();
            evidence.executeBatch();
        }
        closeRevised(connection, rows);
    }

    private static Instant validFrom(Row row) {
        return row.decision().validFrom() == null ? row.occurredAt() : row.decision().validFrom();
    }

    private static void checkValidTime(Row row) {
        if (!TimeWindow.contains(validFrom(row))) {
            throw new RefusedRecordException("decision " + row.decision().id() + ": valid_from " + validFrom(row)
                    + " is not " + TimeWindow.describe());
        }
    }

    /** Under the locks of the decision ids, so no other writer stores one of them meanwhile. */
    private static void checkOwners(Connection connection, List<Row> rows) throws SQLException {
        Map<UUID, String> owners = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(OWNERS)) {
            select.setArray(1, connection.createArrayOf("uuid", rows.stream()
                    .flatMap(row -> row.revises() == null ? Stream.of(row.decision().id()) : Stream.of(row.decision().id(), row.revises()))
                    .distinct().toArray()));
            try (ResultSet found = select.executeQuery()) {
                while (found.next()) {
                    owners.put(found.getObject(1, UUID.class), found.getString(2));
                }
            }
        }
        for (Row row : rows) {
            String owner = owners.putIfAbsent(row.decision().id(), row.agentId());
            if (owner != null && !owner.equals(row.agentId())) {
                throw new RefusedRecordException("decision id " + row.decision().id() + " belongs to another agent");
            }
            String revisedOwner = row.revises() == null ? null : owners.get(row.revises());
            if (revisedOwner != null && !revisedOwner.equals(row.agentId())) {
                throw new RefusedRecordException("decision " + row.decision().id() + " revises " + row.revises()
                        + ", a decision of another agent");
            }
        }
    }

    private static void lock(Connection connection, List<Row> rows) throws SQLException {
        Integer[] keys = rows.stream()
                .flatMap(row -> row.revises() == null ? Stream.of(row.decision().id()) : Stream.of(row.decision().id(), row.revises()))
                .map(UUID::hashCode).distinct().sorted().toArray(Integer[]::new);
        try (PreparedStatement lock = connection.prepareStatement(LOCK)) {
            lock.setInt(1, LOCK_NAMESPACE);
            lock.setArray(2, connection.createArrayOf("integer", keys));
            lock.executeQuery().close();
        }
    }

    private static void closeRevised(Connection connection, List<Row> rows) throws SQLException {
        Array ids = connection.createArrayOf("uuid", rows.stream().map(row -> row.decision().id()).toArray());
        try (PreparedStatement close = connection.prepareStatement(CLOSE_REVISED)) {
            close.setArray(1, ids);
            close.setArray(2, ids);
            close.executeUpdate();
        }
    }

    private static UUID childId(UUID decisionId, String kind, int position) {
        return CHILD_IDS.generate(decisionId + "/" + kind + "/" + position);
    }

    private static void setDouble(PreparedStatement statement, int index, Double value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.DOUBLE);
        } else {
            statement.setDouble(index, value);
        }
    }
}
