package dev.kyoyu.query.db;

/**
 * What a read may be answered from. Clients choose it per request with the {@code X-Kyoyu-Consistency} header.
 */
public enum Consistency {
    /** A replica whose data is at most KYOYU_QUERY_REPLICA_MAX_LAG behind the primary, else the primary (default). */
    BOUNDED,
    /** The primary: the answer includes everything the primary had committed when the read began. */
    STRONG
}
