package dev.kyoyu.testsupport;

import dev.kyoyu.schemas.db.Migrations;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/** A fresh database with the current schema, dropped on close: each test class sees only its own rows. */
public final class TestDatabase implements AutoCloseable {
    private final String name;
    private final String url;

    private TestDatabase(String name, String url) {
        this.name = name;
        this.url = url;
    }

    public static TestDatabase create() {
        String name = "kyoyu_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        String url = TestStack.adminPgUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        TestDatabase database = new TestDatabase(name, url);
        try {
            Migrations.apply(url, TestStack.pgUser(), TestStack.pgPassword());
        } catch (Exception e) {
            database.close();
            throw new IllegalStateException("cannot migrate test database " + name, e);
        }
        return database;
    }

    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, TestStack.pgUser(), TestStack.pgPassword());
    }

    /** Runs a query that returns one number, e.g. a count. */
    public long queryLong(String sql, Object... params) {
        try (Connection connection = connect(); var statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                statement.setObject(i + 1, params[i]);
            }
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("query failed: " + sql, e);
        }
    }

    @Override
    public void close() {
        try (Connection admin = adminConnection(); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name, e);
        }
    }

    private static Connection adminConnection() throws SQLException {
        return DriverManager.getConnection(TestStack.adminPgUrl(), TestStack.pgUser(), TestStack.pgPassword());
    }
}
