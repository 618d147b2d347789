package dev.kyoyu.sink.copy;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.NameBasedGenerator;
import dev.kyoyu.schemas.event.TracedDecision;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Writes decisions with their alternatives and evidence inside the caller's transaction. Reusable from
 * any topic that carries whole decisions. Idempotent: replaying the same decision changes nothing, since
 * child row ids derive from the decision id and every insert skips rows already there.
 */
public final class DecisionRowWriter {
    private static final NameBasedGenerator CHILD_IDS =
            Generators.nameBasedGenerator(UUID.fromString("9a0f7c1e-2b6d-4f3a-8e51-64656369736e"));

    private static final String DECISION = """
            INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, confidence, reasoning, metadata,
                                   valid_from, source_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String ALTERNATIVE = """
            INSERT INTO alternatives (id, decision_id, position, label, score, selected, rejection_reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";
    private static final String EVIDENCE = """
            INSERT INTO evidence (id, decision_id, position, source_type, source_uri, content, relevance_score)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO NOTHING""";

    /** A decision and where it came from. */
    public record Row(TracedDecision decision, UUID runId, String agentId, Instant occurredAt, UUID sourceEventId) {
    }

    public void write(Connection connection, List<Row> rows) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
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
                decisions.setTimestamp(9, Timestamp.from(d.validFrom() == null ? row.occurredAt() : d.validFrom()));
                decisions.setObject(10, row.sourceEventId());
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
