package dev.kyoyu.sink.chunks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Chunk upkeep through TimescaleDB's own functions ({@code show_chunks}, {@code drop_chunks}, {@code compress_chunk}),
 * over every hypertable of the database. An age means "whose whole time range ended more than this before now":
 * TimescaleDB drops and compresses whole chunks only.
 */
final class Chunks {
    private static final String HYPERTABLES = """
            SELECT format('%I.%I', hypertable_schema, hypertable_name), compression_enabled
            FROM timescaledb_information.hypertables ORDER BY 1""";
    private static final String LIST = """
            WITH sizes AS (
                SELECT s.chunk_schema, s.chunk_name, s.total_bytes
                FROM timescaledb_information.hypertables h,
                     LATERAL chunks_detailed_size(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s)
            SELECT c.hypertable_name, format('%I.%I', c.chunk_schema, c.chunk_name), c.range_start, c.range_end,
                   coalesce(s.total_bytes, -1), c.is_compressed
            FROM timescaledb_information.chunks c
            LEFT JOIN sizes s ON s.chunk_schema = c.chunk_schema AND s.chunk_name = c.chunk_name
            ORDER BY c.hypertable_name, c.range_start""";
    private static final String OLDER = "SELECT c::text FROM show_chunks(?::regclass, older_than => ? * interval '1 second') c";
    private static final String DROP = "SELECT c::text FROM drop_chunks(?::regclass, older_than => ? * interval '1 second') c";
    private static final String COMPRESS = """
            SELECT compress_chunk(c, if_not_compressed => true)::text
            FROM show_chunks(?::regclass, older_than => ? * interval '1 second') c
            WHERE NOT EXISTS (SELECT 1 FROM timescaledb_information.chunks i
                              WHERE format('%I.%I', i.chunk_schema, i.chunk_name)::regclass = c AND i.is_compressed)""";

    /** A hypertable, schema-qualified and quoted as regclass text reads it. */
    record Hypertable(String name, boolean compressionEnabled) {
    }

    private Chunks() {
    }

    static List<Hypertable> hypertables(Connection connection) throws SQLException {
        List<Hypertable> tables = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(HYPERTABLES)) {
            while (rows.next()) {
                tables.add(new Hypertable(rows.getString(1), rows.getBoolean(2)));
            }
        }
        return tables;
    }

    static List<Chunk> list(Connection connection) throws SQLException {
        List<Chunk> chunks = new ArrayList<>();
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(LIST)) {
            while (rows.next()) {
                chunks.add(new Chunk(rows.getString(1), rows.getString(2), instant(rows.getTimestamp(3)),
                        instant(rows.getTimestamp(4)), rows.getLong(5), rows.getBoolean(6)));
            }
        }
        return chunks;
    }

    /** The chunks of every hypertable that {@link #drop} would delete now. */
    static List<String> olderThan(Connection connection, Duration age) throws SQLException {
        List<String> found = new ArrayList<>();
        for (Hypertable table : hypertables(connection)) {
            found.addAll(names(connection, OLDER, table.name(), age));
        }
        return found;
    }

    /** Drops the chunks of every hypertable older than {@code age}; returns their names. */
    static List<String> drop(Connection connection, Duration age) throws SQLException {
        List<String> dropped = new ArrayList<>();
        for (Hypertable table : hypertables(connection)) {
            dropped.addAll(names(connection, DROP, table.name(), age));
        }
        return dropped;
    }

    /**
     * Compresses the uncompressed chunks older than {@code age} of every hypertable that has compression enabled
     * (the community edition's migration 005 enables it on agent_events); returns their names.
     */
    static List<String> compress(Connection connection, Duration age) throws SQLException {
        List<String> compressed = new ArrayList<>();
        for (Hypertable table : hypertables(connection)) {
            if (table.compressionEnabled()) {
                compressed.addAll(names(connection, COMPRESS, table.name(), age));
            }
        }
        return compressed;
    }

    private static List<String> names(Connection connection, String sql, String table, Duration age) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, table);
            statement.setLong(2, age.toSeconds());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
