package dev.kyoyu.query.decisions;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A WHERE clause built from fixed SQL fragments with {@code ?} placeholders; client values only ever travel
 * as bound parameters. Values: String, Double, Instant, UUID, or String[] (bound as text[] for {@code = ANY(?)}).
 */
final class Where {
    private final List<String> clauses = new ArrayList<>();
    private final List<Object> values = new ArrayList<>();

    Where and(String clause, Object... clauseValues) {
        clauses.add(clause);
        values.addAll(List.of(clauseValues));
        return this;
    }

    /**
     * {@code column} is one of {@code values}. A single value is an equality, which the planner can walk an
     * index by in order and stop after a page; {@code = ANY(array)} makes it fetch and sort every match.
     */
    Where anyOf(String column, List<String> values) {
        return values.size() == 1 ? and(column + " = ?", values.getFirst())
                : and(column + " = ANY(?)", (Object) values.toArray(String[]::new));
    }

    String sql() {
        return clauses.isEmpty() ? "TRUE" : String.join(" AND ", clauses);
    }

    /** Binds the values from parameter {@code first} on; returns the next free index. */
    int bind(Connection connection, PreparedStatement statement, int first) throws SQLException {
        int index = first;
        for (Object value : values) {
            switch (value) {
                case String s -> statement.setString(index, s);
                case Double d -> statement.setDouble(index, d);
                case Instant i -> statement.setTimestamp(index, Timestamp.from(i));
                case UUID u -> statement.setObject(index, u);
                case String[] a -> statement.setArray(index, connection.createArrayOf("text", a));
                default -> throw new IllegalArgumentException("cannot bind " + value.getClass());
            }
            index++;
        }
        return index;
    }
}
