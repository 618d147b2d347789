package dev.kyoyu.query.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A page and the total of every matching row, in one statement: one snapshot, so the two agree, in one round trip
 * and without a transaction (a repeatable-read transaction took five round trips, bench query). The total is a row
 * that is always there and the page joins it, so a page past the end still brings the total.
 */
public final class PageWithTotal {
    /** Binds a filter's parameters from {@code index} on; returns the next free index. */
    public interface Parameters {
        int bind(PreparedStatement statement, int index) throws SQLException;
    }

    /** Reads one row of the page from the page's columns, which come first. */
    public interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    public record Page<T>(List<T> rows, long total) {
    }

    private PageWithTotal() {
    }

    /**
     * The rows of {@code table} matching {@code where}, in {@code orderBy}, from {@code offset} on, at most
     * {@code limit}; the first of {@code columns} must never be null.
     */
    public static <T> Page<T> fetch(Connection connection, String columns, String table, String where, Parameters parameters,
                                    String orderBy, int limit, int offset, RowReader<T> reader) throws SQLException {
        String sql = "SELECT page.*, counted.total FROM (SELECT count(*) AS total FROM " + table + " WHERE " + where + ") counted"
                + " LEFT JOIN LATERAL (SELECT " + columns + " FROM " + table + " WHERE " + where
                + " ORDER BY " + orderBy + " LIMIT ? OFFSET ?) page ON true";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int next = parameters.bind(statement, 1); // the count's
            next = parameters.bind(statement, next); // the page's
            statement.setInt(next, limit);
            statement.setInt(next + 1, offset);
            List<T> rows = new ArrayList<>();
            long total = 0;
            try (ResultSet row = statement.executeQuery()) {
                int totalColumn = row.getMetaData().getColumnCount();
                while (row.next()) {
                    total = row.getLong(totalColumn);
                    // An empty page is one row whose page columns are all null.
                    if (row.getObject(1) != null) {
                        rows.add(reader.read(row));
                    }
                }
            }
            return new Page<>(rows, total);
        }
    }
}
