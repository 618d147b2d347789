package dev.kyoyu.schemas.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import liquibase.command.CommandScope;
import liquibase.command.core.UpdateCommandStep;
import liquibase.command.core.helpers.DbUrlConnectionArgumentsCommandStep;
import liquibase.database.Database;
import liquibase.database.DatabaseFactory;
import liquibase.database.jvm.JdbcConnection;
import liquibase.exception.LiquibaseException;

/** Applies the Liquibase changelog: the same call in ./kyoyu up, the tests and production. */
public final class Migrations {
    public static final String CHANGELOG = "db/changelog/db.changelog-master.yaml";

    private Migrations() {
    }

    public static void apply(String jdbcUrl, String user, String password) throws SQLException, LiquibaseException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password)) {
            Database database = DatabaseFactory.getInstance()
                    .findCorrectDatabaseImplementation(new JdbcConnection(connection));
            new CommandScope(UpdateCommandStep.COMMAND_NAME)
                    .addArgumentValue(DbUrlConnectionArgumentsCommandStep.DATABASE_ARG, database)
                    .addArgumentValue(UpdateCommandStep.CHANGELOG_FILE_ARG, CHANGELOG)
                    .execute();
        }
    }
}
