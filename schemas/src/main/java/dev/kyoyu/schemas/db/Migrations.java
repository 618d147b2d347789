package dev.kyoyu.schemas.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import liquibase.Scope;
import liquibase.UpdateSummaryOutputEnum;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.UpdateCountCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.command.core.helpers.ShowSummaryArgument;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;
import liquibase.ui.LoggerUIService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies the Liquibase changelog: the same call in ./kyoyu up, the tests and production. */
public final class Migrations {
    public static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

    private Migrations() {
    }

    /** Debian ships TimescaleDB's Apache edition; say what that means instead of failing on TSL features. */
    private static void logTimescaleEdition(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('timescaledb.license', true)")) {
            String license = row.next() ? row.getString(1) : null;
            if ("timescale".equals(license)) {
                LOG.info("TimescaleDB full (TSL) edition: agent_events gets compression after 7 days");
            } else {
                LOG.info("TimescaleDB license is '{}': compression and its policies are not available, agent_events stays uncompressed", license);
            }
        }
    }

    public static void apply(String jdbcUrl, String user, String password) throws SQLException, LiquibaseException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            // Liquibase speaks through its logger only (its console UI and summary would bypass the log levels).
            runQuietly(() -> new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                    .execute());
            logTimescaleEdition(connection);
        }
    }

    /**
     * Applies only the first {@code count} changesets of the changelog, in its order: a database as an earlier
     * release left it, on which a test then applies the rest ({@link #apply}) to prove the migrations run forward
     * over data.
     */
    public static void applyFirst(String jdbcUrl, String user, String password, int count) throws SQLException, LiquibaseException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            runQuietly(() -> new CommandScope(UpdateCountCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCountCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .addArgumentValue(UpdateCountCommandStep.COUNT_ARG, count)
                    .addArgumentValue(ShowSummaryArgument.SHOW_SUMMARY_OUTPUT, UpdateSummaryOutputEnum.LOG)
                    .execute());
        }
    }

    private static void runQuietly(Scope.ScopedRunner update) throws LiquibaseException {
        try {
            Scope.child(Scope.Attr.ui, new LoggerUIService(), update);
        } catch (LiquibaseException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new LiquibaseException(e);
        }
    }
}
