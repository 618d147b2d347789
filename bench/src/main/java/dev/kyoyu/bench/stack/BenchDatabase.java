package dev.kyoyu.bench.stack;

import dev.kyoyu.bench.BenchEnv;
import dev.kyoyu.schemas.db.Migrations;
import java.io.OutputStream;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import liquibase.Scope;
import liquibase.ui.LoggerUIService;

/**
 * A fresh database migrated with the project's Liquibase changelog (every table and index the services
 * see), on the stack's PostgreSQL server; dropped on close unless asked to keep it.
 */
public final class BenchDatabase implements AutoCloseable {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("MMddHHmmss");

    private final BenchEnv env;
    private final String name;
    private final String url;
    private final boolean keep;

    private BenchDatabase(BenchEnv env, String name, String url, boolean keep) {
        this.env = env;
        this.name = name;
        this.url = url;
        this.keep = keep;
    }

    public static BenchDatabase create(BenchEnv env, String purpose, boolean keep) {
        String name = "kyoyu_bench_" + purpose + "_" + LocalDateTime.now().format(STAMP)
                + "_" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        try (Connection admin = admin(env); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name, e);
        }
        String url = env.pgUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        migrate(env, name, url);
        return new BenchDatabase(env, name, url, keep);
    }

    private static void migrate(BenchEnv env, String name, String url) {
        // Liquibase prints each changeset and a summary on stdout; the benchmark's stdout is for its results.
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            Scope.child(Scope.Attr.ui, new LoggerUIService(), () -> Migrations.apply(url, env.pgUser(), env.pgPassword()));
        } catch (Exception e) {
            throw new IllegalStateException("cannot migrate database " + name, e);
        } finally {
            System.setOut(stdout);
        }
    }

    /**
     * A database an earlier run kept, brought up to this checkout's schema (changesets it lacks) and measured
     * again; never dropped by this run.
     */
    public static BenchDatabase existing(BenchEnv env, String name) {
        String url = env.pgUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
        BenchDatabase db = new BenchDatabase(env, name, url, true);
        try (Connection c = db.connect()) {
            c.isValid(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to database " + name + " (kept by an earlier run with --keep?)", e);
        }
        migrate(env, name, url);
        return db;
    }

    public String name() {
        return name;
    }

    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, env.pgUser(), env.pgPassword());
    }

    public long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + name + ": " + sql, e);
        }
    }

    public String queryString(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + name + ": " + sql, e);
        }
    }

    /**
     * Flushes dirty pages of the previous run so one run's checkpoint I/O does not land in the next one's
     * measurement. Needs a superuser (the local stack's user is one); returns false when refused.
     */
    public static boolean checkpoint(BenchEnv env) {
        try (Connection admin = admin(env); Statement statement = admin.createStatement()) {
            statement.execute("CHECKPOINT");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** The postmaster's pid (the parent of our backend), so PostgreSQL's CPU can be read from /proc. */
    public static long postmasterPid(BenchEnv env) {
        try (Connection admin = admin(env); Statement s = admin.createStatement();
             ResultSet rows = s.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return ProcStats.parentPid(rows.getLong(1));
        } catch (SQLException e) {
            return -1;
        }
    }

    public static String serverVersion(BenchEnv env) {
        try (Connection admin = admin(env); Statement s = admin.createStatement();
             ResultSet rows = s.executeQuery("SELECT current_setting('server_version') || ', TimescaleDB ' || "
                     + "coalesce((SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'), "
                     + "(SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'), 'absent')")) {
            rows.next();
            return "PostgreSQL " + rows.getString(1);
        } catch (SQLException e) {
            return "PostgreSQL (version unknown: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        if (keep) {
            return;
        }
        try (Connection admin = admin(env); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop database " + name + ": " + e.getMessage());
        }
    }

    private static Connection admin(BenchEnv env) throws SQLException {
        return DriverManager.getConnection(env.pgUrl(), env.pgUser(), env.pgPassword());
    }
}
