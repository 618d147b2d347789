package dev.kyoyu.query.db;

/** An answer and the pool that gave it ({@code query-primary}, {@code query-replica-N}). */
public record Served<T>(T value, String pool) {
}
