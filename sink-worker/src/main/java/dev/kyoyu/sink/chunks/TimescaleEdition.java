package dev.kyoyu.sink.chunks;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which TimescaleDB build the database runs, from its {@code timescaledb.license} setting. Debian's package is the
 * Apache edition: hypertables, {@code show_chunks} and {@code drop_chunks}, but no compression and no background
 * jobs (so no retention or compression policies). Timescale's own packages default to the community edition.
 */
public enum TimescaleEdition {
    /** {@code timescaledb.license = apache}: no compression, no policies. */
    APACHE,
    /** {@code timescaledb.license = timescale}: compression, retention and compression policies. */
    COMMUNITY;

    /** What an operator reads when asking the Apache edition for compression. */
    public static final String NO_COMPRESSION = """
            compression needs TimescaleDB's community edition; this database runs the Apache edition \
            (timescaledb.license = apache, e.g. Debian's package), which has neither compression nor background jobs. \
            Install Timescale's packages (https://docs.timescale.com/self-hosted/latest/install/) and set \
            timescaledb.license = 'timescale', or keep the hypertable small with `drop --older-than` and KYOYU_RETENTION.""";

    public static TimescaleEdition of(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_setting('timescaledb.license', true)")) {
            String license = row.next() ? row.getString(1) : null;
            return "timescale".equals(license) ? COMMUNITY : APACHE;
        }
    }

    /** Compression, and the policy jobs that retention and compression run as there. */
    public boolean hasCompressionAndPolicies() {
        return this == COMMUNITY;
    }

    public String label() {
        return this == COMMUNITY ? "community (compression and policies available)" : "apache (no compression, no background jobs)";
    }
}
