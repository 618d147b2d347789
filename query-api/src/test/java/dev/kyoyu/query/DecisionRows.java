package dev.kyoyu.query;

import dev.kyoyu.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Writes decision rows the way the sink does, with every column under the test's control. */
final class DecisionRows {
    private final String agentId;
    private final String decisionType;
    private final String outcome;
    private UUID id = UUID.randomUUID();
    private UUID runId = UUID.randomUUID();
    private Double confidence;
    private String reasoning;
    private String metadata = "{}";
    private Instant validFrom = Instant.parse("2026-01-01T00:00:00Z");
    private Instant validTo;
    private Instant transactionTime;
    private final List<Object[]> alternatives = new ArrayList<>();
    private final List<Object[]> evidence = new ArrayList<>();

    private DecisionRows(String agentId, String decisionType, String outcome) {
        this.agentId = agentId;
        this.decisionType = decisionType;
        this.outcome = outcome;
    }

    static DecisionRows decision(String agentId, String decisionType, String outcome) {
        return new DecisionRows(agentId, decisionType, outcome);
    }

    DecisionRows id(UUID value) {
        id = value;
        return this;
    }

    DecisionRows run(UUID value) {
        runId = value;
        return this;
    }

    DecisionRows confidence(double value) {
        confidence = value;
        return this;
    }

    DecisionRows reasoning(String value) {
        reasoning = value;
        return this;
    }

    DecisionRows metadata(String json) {
        metadata = json;
        return this;
    }

    DecisionRows validFrom(String value) {
        validFrom = Instant.parse(value);
        return this;
    }

    DecisionRows validTo(String value) {
        validTo = Instant.parse(value);
        return this;
    }

    /** When Kyoyu learned it; default: now (the column default). */
    DecisionRows recordedAt(String value) {
        transactionTime = Instant.parse(value);
        return this;
    }

    DecisionRows alternative(String label, double score, boolean selected, String rejectionReason) {
        alternatives.add(new Object[] {label, score, selected, rejectionReason});
        return this;
    }

    DecisionRows evidence(String sourceType, String content) {
        evidence.add(new Object[] {sourceType, content});
        return this;
    }

    UUID insert(TestDatabase db) {
        try (Connection c = db.connect()) {
            try (PreparedStatement d = c.prepareStatement("""
                    INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, confidence, reasoning, metadata,
                                           valid_from, valid_to, transaction_time, source_event_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, COALESCE(?, now()), ?)""")) {
                d.setObject(1, id);
                d.setObject(2, runId);
                d.setString(3, agentId);
                d.setString(4, decisionType);
                d.setString(5, outcome);
                if (confidence == null) {
                    d.setNull(6, Types.DOUBLE);
                } else {
                    d.setDouble(6, confidence);
                }
                d.setString(7, reasoning);
                d.setString(8, metadata);
                d.setTimestamp(9, Timestamp.from(validFrom));
                d.setTimestamp(10, validTo == null ? null : Timestamp.from(validTo));
                d.setTimestamp(11, transactionTime == null ? null : Timestamp.from(transactionTime));
                d.setObject(12, UUID.randomUUID());
                d.execute();
            }
            for (int i = 0; i < alternatives.size(); i++) {
                try (PreparedStatement a = c.prepareStatement("""
                        INSERT INTO alternatives (id, decision_id, position, label, score, selected, rejection_reason)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                    Object[] alt = alternatives.get(i);
                    a.setObject(1, UUID.randomUUID());
                    a.setObject(2, id);
                    a.setInt(3, i);
                    a.setString(4, (String) alt[0]);
                    a.setDouble(5, (Double) alt[1]);
                    a.setBoolean(6, (Boolean) alt[2]);
                    a.setString(7, (String) alt[3]);
                    a.execute();
                }
            }
            for (int i = 0; i < evidence.size(); i++) {
                try (PreparedStatement e = c.prepareStatement("""
                        INSERT INTO evidence (id, decision_id, position, source_type, content) VALUES (?, ?, ?, ?, ?)""")) {
                    e.setObject(1, UUID.randomUUID());
                    e.setObject(2, id);
                    e.setInt(3, i);
                    e.setString(4, (String) evidence.get(i)[0]);
                    e.setString(5, (String) evidence.get(i)[1]);
                    e.execute();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot insert decision " + id, e);
        }
        return id;
    }

    /** Runs one statement, e.g. an UPDATE that closes a row or a grant. */
    static void execute(TestDatabase db, String sql, Object... params) {
        try (Connection c = db.connect(); PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            statement.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("failed: " + sql, e);
        }
    }
}
