package dev.kyoyu.embedder.claim;

import com.fasterxml.jackson.databind.JsonNode;
import com.pgvector.PGhalfvec;
import dev.kyoyu.schemas.event.EventJson;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The SQL of embedding: claim rows that have no vector yet, store vectors, set aside rows that cannot embed. */
final class DecisionClaims {
    // SKIP LOCKED: several embedders claim disjoint batches without waiting on each other. In READ COMMITTED
    // a row another embedder stored since this statement's snapshot is re-checked and no longer matches.
    // Oldest first, through the partial index decisions_embedding_pending_idx (changeset 006).
    private static final String CLAIM = """
            SELECT id, decision_type, outcome, reasoning, metadata -> 'embedding'
            FROM decisions
            WHERE embedding IS NULL AND embedding_error IS NULL
            ORDER BY transaction_time
            LIMIT ?
            FOR UPDATE SKIP LOCKED""";
    private static final String EVIDENCE = """
            SELECT decision_id, content FROM evidence WHERE decision_id = ANY(?) ORDER BY decision_id, position""";
    private static final String STORE = """
            UPDATE decisions SET embedding = ?, embedding_model = ?, embedded_at = now() WHERE id = ?""";
    private static final String SET_ASIDE = "UPDATE decisions SET embedding_error = ? WHERE id = ?";
    private static final String BACKLOG = "SELECT count(*) FROM decisions WHERE embedding IS NULL AND embedding_error IS NULL";
    // A stuck embedder (frozen process, provider that never answers) must not hold its row locks forever:
    // the server ends the session when it sits idle in the claim transaction longer than this.
    private static final String BOUND_LOCK_HOLD = "SELECT set_config('idle_in_transaction_session_timeout', ?, true)";

    /** A claimed decision: the text to embed, and the client's own vector if it sent one. */
    record Claimed(UUID id, String text, JsonNode clientEmbedding) {
    }

    /** Claims up to {@code limit} rows in the connection's open transaction; they stay locked until it ends. */
    List<Claimed> claim(Connection connection, int limit, long lockHoldMillis) throws SQLException {
        try (PreparedStatement bound = connection.prepareStatement(BOUND_LOCK_HOLD)) {
            bound.setString(1, lockHoldMillis + "ms");
            bound.execute();
        }
        record Row(UUID id, String type, String outcome, String reasoning, String embedding) {
        }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM)) {
            claim.setInt(1, limit);
            try (ResultSet r = claim.executeQuery()) {
                while (r.next()) {
                    rows.add(new Row(r.getObject(1, UUID.class), r.getString(2), r.getString(3), r.getString(4), r.getString(5)));
                }
            }
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<UUID, List<String>> evidence = new HashMap<>();
        try (PreparedStatement select = connection.prepareStatement(EVIDENCE)) {
            Array ids = connection.createArrayOf("uuid", rows.stream().map(Row::id).toArray());
            select.setArray(1, ids);
            try (ResultSet r = select.executeQuery()) {
                while (r.next()) {
                    evidence.computeIfAbsent(r.getObject(1, UUID.class), id -> new ArrayList<>()).add(r.getString(2));
                }
            }
        }
        List<Claimed> claimed = new ArrayList<>(rows.size());
        for (Row row : rows) {
            claimed.add(new Claimed(row.id(),
                    DecisionText.of(row.type(), row.outcome(), row.reasoning(), evidence.getOrDefault(row.id(), List.of())),
                    json(row.embedding())));
        }
        return claimed;
    }

    void store(Connection connection, List<UUID> ids, List<float[]> vectors, String model) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(STORE)) {
            for (int i = 0; i < ids.size(); i++) {
                update.setObject(1, new PGhalfvec(vectors.get(i)));
                update.setString(2, model);
                update.setObject(3, ids.get(i));
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /** The row keeps no vector and is not claimed again; the reason stays on it for an operator. */
    void setAside(Connection connection, UUID id, String reason) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(SET_ASIDE)) {
            update.setString(1, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
            update.setObject(2, id);
            update.executeUpdate();
        }
    }

    long backlog(Connection connection) throws SQLException {
        try (PreparedStatement count = connection.prepareStatement(BACKLOG); ResultSet r = count.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }

    private static JsonNode json(String text) {
        if (text == null) {
            return null;
        }
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("jsonb from PostgreSQL is always JSON", e);
        }
    }
}
