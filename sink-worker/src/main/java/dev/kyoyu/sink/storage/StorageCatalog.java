package dev.kyoyu.sink.storage;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/** The catalog reads behind {@link StorageMetrics}: sizes, chunks, compression of the tables in the current schema. */
final class StorageCatalog {
    /** Liquibase's bookkeeping is not Kyoyu's data. */
    private static final String TABLE_SIZES = """
            SELECT c.relname,
                   CASE WHEN h.hypertable_name IS NULL THEN pg_total_relation_size(c.oid)
                        ELSE hypertable_size(c.oid::regclass) END
            FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN timescaledb_information.hypertables h ON h.hypertable_schema = n.nspname AND h.hypertable_name = c.relname
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE 'databasechangelog%'""";
    private static final String CHUNKS = """
            SELECT count(*) FILTER (WHERE is_compressed),
                   count(*) FILTER (WHERE NOT is_compressed),
                   greatest(0, coalesce(extract(epoch FROM now() - min(range_end) FILTER (WHERE NOT is_compressed)), 0))
            FROM timescaledb_information.chunks WHERE hypertable_schema = current_schema()""";
    private static final String COMPRESSION = """
            SELECT h.hypertable_name, s.before_compression_total_bytes, s.after_compression_total_bytes
            FROM timescaledb_information.hypertables h,
                 LATERAL hypertable_compression_stats(format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass) s
            WHERE h.hypertable_schema = current_schema() AND h.compression_enabled""";
    /** 'timescale' for the full (TSL) edition, 'apache' for the Apache-2 build, which cannot compress. */
    private static final String LICENSE = "SELECT current_setting('timescaledb.license', true)";

    private static final String LIMITS = "SET LOCAL statement_timeout = '10s'; SET LOCAL lock_timeout = '2s'";

    private StorageCatalog() {
    }

    /** Opens the reading's transaction, bounded in time. */
    static void begin(Connection connection) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute(LIMITS);
        }
    }

    static String license(Connection connection) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LICENSE); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    static StorageReading read(Connection connection, boolean compression) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLE_SIZES); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                sizes.put(rows.getString(1), rows.getLong(2));
            }
        }
        long compressed;
        long uncompressed;
        double oldestAge;
        try (PreparedStatement statement = connection.prepareStatement(CHUNKS); ResultSet rows = statement.executeQuery()) {
            rows.next();
            compressed = rows.getLong(1);
            uncompressed = rows.getLong(2);
            oldestAge = rows.getDouble(3);
        }
        Map<String, Double> ratios = new LinkedHashMap<>();
        if (compression) {
            try (PreparedStatement statement = connection.prepareStatement(COMPRESSION); ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long after = rows.getLong(3);
                    if (after > 0) { // nothing compressed yet: no ratio to speak of
                        ratios.put(rows.getString(1), rows.getLong(2) / (double) after);
                    }
                }
            }
        }
        return new StorageReading(sizes, compressed, uncompressed, oldestAge, ratios);
    }
}
