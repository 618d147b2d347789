package dev.kyoyu.query.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One read on one connection. It may run twice, on a replica and then on the primary, so it must only read.
 *
 * @param <T> the answer
 */
@FunctionalInterface
public interface ReadWork<T> {
    T read(Connection connection, boolean onReplica) throws SQLException;
}
