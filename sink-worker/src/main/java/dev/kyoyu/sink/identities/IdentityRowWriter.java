package dev.kyoyu.sink.identities;

import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.GrantRecord;
import dev.kyoyu.schemas.identity.IdentityRecord;
import dev.kyoyu.schemas.identity.RoleRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Applies one identity record to its table. Every record is the whole state under its key, so each write is an
 * upsert that replaces the row: applied in log order the tables end as the topic's latest state, and applying a
 * record again (a replay) changes nothing. A withdrawn grant deletes its row: query-api reads a row as access.
 */
final class IdentityRowWriter {
    private static final String AGENT = """
            INSERT INTO agents (agent_id, role, revoked, created_at, tokens_not_before, updated_at, updated_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (agent_id) DO UPDATE SET role = EXCLUDED.role, revoked = EXCLUDED.revoked,
                created_at = EXCLUDED.created_at, tokens_not_before = EXCLUDED.tokens_not_before,
                updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by""";
    private static final String API_KEY = """
            INSERT INTO api_keys (key_id, agent_id, sha256, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (key_id) DO UPDATE SET agent_id = EXCLUDED.agent_id, sha256 = EXCLUDED.sha256,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, revoked_at = EXCLUDED.revoked_at""";
    private static final String ROLE = """
            INSERT INTO role_token_floors (role, tokens_not_before, updated_at, updated_by) VALUES (?, ?, ?, ?)
            ON CONFLICT (role) DO UPDATE SET tokens_not_before = EXCLUDED.tokens_not_before,
                updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by""";
    private static final String GRANT = """
            INSERT INTO access_grants (grantee_agent_id, owner_agent_id, granted_at, expires_at, granted_by)
            VALUES (?, ?, coalesce(?, now()), ?, ?)
            ON CONFLICT (grantee_agent_id, owner_agent_id) DO UPDATE SET granted_at = EXCLUDED.granted_at,
                expires_at = EXCLUDED.expires_at, granted_by = EXCLUDED.granted_by""";
    private static final String WITHDRAW = "DELETE FROM access_grants WHERE grantee_agent_id = ? AND owner_agent_id = ?";

    void write(Connection connection, IdentityRecord record) throws SQLException {
        switch (record) {
            case AgentRecord a -> execute(connection, AGENT, a.agentId(), a.role().wireName(), a.revoked(), a.createdAt(),
                    a.tokensNotBefore(), a.updatedAt(), a.updatedBy());
            case ApiKeyRecord k -> execute(connection, API_KEY, k.keyId(), k.agentId(), k.sha256(), k.createdAt(),
                    k.expiresAt(), k.revokedAt());
            case RoleRecord r -> execute(connection, ROLE, r.role().wireName(), r.tokensNotBefore(), r.updatedAt(), r.updatedBy());
            case GrantRecord g when g.withdrawnAt() != null -> execute(connection, WITHDRAW, g.granteeAgentId(), g.ownerAgentId());
            case GrantRecord g -> execute(connection, GRANT, g.granteeAgentId(), g.ownerAgentId(), g.grantedAt(),
                    g.expiresAt(), g.updatedBy());
        }
    }

    private static void execute(Connection connection, String sql, Object... values) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                switch (values[i]) {
                    case null -> statement.setNull(i + 1, Types.NULL);
                    case Instant instant -> statement.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
                    case Boolean flag -> statement.setBoolean(i + 1, flag);
                    default -> statement.setString(i + 1, values[i].toString());
                }
            }
            statement.executeUpdate();
        }
    }
}
