package dev.kyoyu.query.access;

import dev.kyoyu.query.db.StatementTimeout;
import dev.kyoyu.service.auth.Caller;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Set;
import javax.sql.DataSource;

/** Reads access_grants into a {@link ReadScope}, once per request (grants change rarely; a revoke applies at once). */
public final class AccessGrants {
    private static final String GRANTED = "SELECT owner_agent_id FROM access_grants WHERE grantee_agent_id = ?";

    private final DataSource dataSource;
    private final StatementTimeout timeout;

    public AccessGrants(DataSource dataSource, StatementTimeout timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    public ReadScope scopeOf(Caller caller) throws SQLException {
        if (caller.admin()) {
            return new ReadScope(caller.agentId(), true, Set.of());
        }
        Set<String> agents = new HashSet<>();
        agents.add(caller.agentId());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(GRANTED)) {
            statement.setString(1, caller.agentId());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    agents.add(rows.getString(1));
                }
            }
        } catch (SQLException e) {
            throw timeout.rethrow(e);
        }
        return new ReadScope(caller.agentId(), false, agents);
    }
}
