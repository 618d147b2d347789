package dev.kyoyu.query.access;

import dev.kyoyu.query.db.StatementTimeout;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Reads access_grants into a {@link ReadScope}, once per request (grants change rarely; a withdrawal applies at
 * once). Every grant is read with its expiry, expired ones too: the scope judges expiry when it is used, by this
 * process's clock, so a scope held for a while (a subscription between refreshes) never outlives a grant.
 */
public final class AccessGrants {
    private static final String GRANTED = "SELECT owner_agent_id, expires_at FROM access_grants WHERE grantee_agent_id = ?";

    private final DataSource dataSource;
    private final StatementTimeout timeout;
    private final Clock clock;

    public AccessGrants(DataSource dataSource, StatementTimeout timeout, Clock clock) {
        this.dataSource = dataSource;
        this.timeout = timeout;
        this.clock = clock;
    }

    public ReadScope scopeOf(Caller caller) throws SQLException {
        if (caller.admin()) {
            return new ReadScope(caller.agentId(), true, false, Map.of(), clock);
        }
        Map<String, Instant> grants = new HashMap<>();
        try (Connection connection = dataSource.getConnection()) {
            timeout.begin(connection);
            try (PreparedStatement statement = connection.prepareStatement(GRANTED)) {
                statement.setString(1, caller.agentId());
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Timestamp expires = rows.getTimestamp(2);
                        grants.put(rows.getString(1), expires == null ? Instant.MAX : expires.toInstant());
                    }
                }
            }
            connection.commit();
        } catch (SQLException e) {
            throw timeout.rethrow(e);
        }
        // Only an agent reads its own: a reader reads only what it was granted.
        return new ReadScope(caller.agentId(), false, caller.role() == Role.AGENT, grants, clock);
    }
}
