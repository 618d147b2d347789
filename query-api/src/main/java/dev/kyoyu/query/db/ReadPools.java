package dev.kyoyu.query.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import dev.kyoyu.service.db.DatabasePools;
import dev.kyoyu.service.db.DatabaseSettings;
import dev.kyoyu.service.db.PoolMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection pools query-api reads through: {@code query-primary} on the primary, and one pool per streaming
 * replica (KYOYU_QUERY_REPLICA_URLS), {@code query-replica-1}, {@code query-replica-2}, … Every query goes through
 * {@link #read}, which sends it to a replica within the lag bound ({@link Routing}) and runs it again on the
 * primary when that replica fails. Each pool reports Hikari's meters (hikaricp_connections_active{pool=…}, …).
 *
 * <p>Meters of its own: {@code kyoyu_query_reads_total{query_type,pool}} (which pool answered),
 * {@code kyoyu_query_replica_fallbacks_total{reason}} (why the primary answered although replicas are configured),
 * {@code kyoyu_query_replica_lag_seconds{pool}} and {@code kyoyu_query_replica_serving{pool}}.
 */
public final class ReadPools implements AutoCloseable {
    public static final String PRIMARY = "query-primary";
    private static final Logger LOG = LoggerFactory.getLogger(ReadPools.class);

    /** Where pools connect, and how they read. */
    public record Settings(DatabaseSettings primary, List<String> replicaUrls, int poolSize, Duration maxLag,
                           Duration statementTimeout) {
        public Settings {
            replicaUrls = List.copyOf(replicaUrls);
        }
    }

    /** What a failed replica read means for the request. */
    enum Failure {
        /** The replica is gone or going (connection failed, shutting down): skip it until a check succeeds. */
        REPLICA_UNAVAILABLE,
        /** A hot standby cancelled the query to replay WAL that removes rows it read: try the primary once. */
        RECOVERY_CONFLICT,
        /** Anything else (a bad query, a missing table) would fail on the primary too: the client gets it. */
        OTHER
    }

    private final HikariDataSource primary;
    private final List<Replica> replicas;
    private final Routing routing;
    private final MeterRegistry registry;
    private final StatementTimeout statementTimeout;
    private final Map<String, Map<QueryType, Counter>> reads = new HashMap<>();
    private final Map<Routing.Fallback, Counter> fallbacks = new EnumMap<>(Routing.Fallback.class);

    public ReadPools(Settings settings, MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.statementTimeout = new StatementTimeout(settings.statementTimeout());
        this.routing = new Routing(settings.maxLag(), clock);
        this.primary = pool(PRIMARY, settings.primary(), settings.poolSize(), DatabasePools.CONNECTION_TIMEOUT, registry);
        countReads(PRIMARY);
        List<Replica> list = new ArrayList<>();
        for (int i = 0; i < settings.replicaUrls().size(); i++) {
            String name = "query-replica-" + (i + 1);
            // A dead replica costs a read at most this long before it is skipped; the primary pool can wait longer.
            list.add(new Replica(name, pool(name, settings.primary().withUrl(settings.replicaUrls().get(i)), settings.poolSize(),
                    Duration.ofSeconds(1), registry), clock));
            countReads(name);
            LOG.info("reads go to replica {} ({}) while it is at most {} ms behind the primary", name,
                    DatabaseSettings.withoutParameters(settings.replicaUrls().get(i)), settings.maxLag().toMillis());
        }
        this.replicas = List.copyOf(list);
        if (!replicas.isEmpty()) {
            for (Routing.Fallback reason : Routing.Fallback.values()) {
                fallbacks.put(reason, Counter.builder("kyoyu.query.replica.fallbacks").tag("reason", reason.tag())
                        .description("reads the primary answered although replicas are configured, by reason")
                        .register(registry));
            }
        }
        for (Replica replica : replicas) {
            Gauge.builder("kyoyu.query.replica.lag", replica, r -> seconds(r.status().staleness(routing.now())))
                    .tag("pool", replica.name()).baseUnit("seconds")
                    .description("how far the replica's data may be behind the primary (NaN: unknown)").register(registry);
            Gauge.builder("kyoyu.query.replica.serving", replica,
                            r -> r.status().state(routing.now(), routing.maxLag()) == ReplicaStatus.State.SERVING ? 1 : 0)
                    .tag("pool", replica.name()).description("1 while the replica takes reads").register(registry);
        }
    }

    private HikariDataSource pool(String name, DatabaseSettings database, int size, Duration connectionTimeout,
                                  MeterRegistry registry) {
        HikariDataSource pool = DatabasePools.open(database, name, size, hikari -> {
            hikari.setReadOnly(true);
            hikari.setConnectionTimeout(connectionTimeout.toMillis());
            hikari.setValidationTimeout(Math.min(connectionTimeout.toMillis() / 2, 5000));
            hikari.setMetricRegistry(registry);
        });
        PoolMeters.bind(pool, registry);
        return pool;
    }

    private void countReads(String pool) {
        Map<QueryType, Counter> byType = new EnumMap<>(QueryType.class);
        for (QueryType type : QueryType.values()) {
            byType.put(type, Counter.builder("kyoyu.query.reads").tag("query_type", type.name().toLowerCase(Locale.ROOT))
                    .tag("pool", pool).description("queries answered, by the pool that answered them").register(registry));
        }
        reads.put(pool, byType);
    }

    /** The statement timeout of every pool, for code that reads {@link #primary()} directly. */
    public StatementTimeout statementTimeout() {
        return statementTimeout;
    }

    /** The primary alone: for what must be current, such as access grants (a revoke applies at once). */
    public DataSource primary() {
        return primary;
    }

    /** {@link #read(QueryType, Consistency, ReadWork, Predicate)} where every replica answer stands. */
    public <T> Served<T> read(QueryType type, Consistency consistency, ReadWork<T> work) throws SQLException {
        return read(type, consistency, work, answer -> true);
    }

    /**
     * Runs {@code work} on a replica within the lag bound, or on the primary when there is none, the client asked
     * for {@link Consistency#STRONG}, the replica failed, or {@code replicaAnswerStands} rejects its answer.
     */
    public <T> Served<T> read(QueryType type, Consistency consistency, ReadWork<T> work,
                              Predicate<? super T> replicaAnswerStands) throws SQLException {
        try {
            return route(type, consistency, work, replicaAnswerStands);
        } catch (SQLException e) {
            throw statementTimeout.rethrow(e);
        }
    }

    private <T> Served<T> route(QueryType type, Consistency consistency, ReadWork<T> work,
                                Predicate<? super T> replicaAnswerStands) throws SQLException {
        List<ReplicaStatus> statuses = replicas.stream().map(Replica::status).toList();
        Routing.Route route = routing.choose(statuses, consistency);
        Routing.Fallback fallback = route.fallback();
        if (!route.toPrimary()) {
            Replica replica = replicas.get(route.replica());
            try (Connection connection = replica.pool().getConnection()) {
                T answer = bounded(connection, true, work);
                if (replicaAnswerStands.test(answer)) {
                    return served(type, replica.name(), answer);
                }
                fallback = Routing.Fallback.NOT_ON_REPLICA;
            } catch (SQLException e) {
                Failure failure = classify(e);
                if (failure == Failure.OTHER) {
                    throw e;
                }
                if (failure == Failure.REPLICA_UNAVAILABLE) {
                    replica.markUnavailable(e);
                }
                LOG.info("replica {} failed a {} read ({}); the primary answers it", replica.name(),
                        type.name().toLowerCase(Locale.ROOT), e.getMessage());
                fallback = Routing.Fallback.REPLICA_FAILED;
            }
        }
        if (fallback != null) {
            fallbacks.get(fallback).increment();
        }
        try (Connection connection = primary.getConnection()) {
            return served(type, PRIMARY, bounded(connection, false, work));
        }
    }

    /**
     * Runs the read in one transaction under the statement timeout; a URL's own options cannot silently replace
     * it. A read that fails leaves the transaction to the pool, which rolls it back when the connection returns.
     */
    private <T> T bounded(Connection connection, boolean replica, ReadWork<T> work) throws SQLException {
        statementTimeout.begin(connection);
        T answer = work.read(connection, replica);
        if (!connection.getAutoCommit()) {
            connection.commit();
        }
        return answer;
    }

    private <T> Served<T> served(QueryType type, String pool, T answer) {
        reads.get(pool).get(type).increment();
        return new Served<>(answer, pool);
    }

    /** Connection failures (class 08), shutdowns (57P01-57P03) and pool timeouts mean the replica is gone. */
    static Failure classify(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (e instanceof SQLTransientConnectionException || state.startsWith("08")
                || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
            return Failure.REPLICA_UNAVAILABLE;
        }
        // PostgreSQL reports "canceling statement due to conflict with recovery" as serialization_failure; a
        // read-only transaction on the primary never fails that way, so here it can only mean the standby.
        if (state.equals("40001")) {
            return Failure.RECOVERY_CONFLICT;
        }
        return Failure.OTHER;
    }

    /** For /health: each replica's state, staleness and problem (replicas never make the process unhealthy). */
    public Map<String, Object> replicaHealth() {
        Instant now = routing.now();
        Map<String, Object> health = new LinkedHashMap<>();
        for (Replica replica : replicas) {
            ReplicaStatus status = replica.status();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("state", status.state(now, routing.maxLag()).name().toLowerCase(Locale.ROOT));
            Duration staleness = status.staleness(now);
            details.put("lag_seconds", staleness == null ? null : seconds(staleness));
            details.put("checked_at", status.checkedAt().toString());
            if (status.problem() != null) {
                details.put("problem", status.problem());
            }
            health.put(replica.name(), details);
        }
        return health;
    }

    public boolean hasReplicas() {
        return !replicas.isEmpty();
    }

    private static double seconds(Duration duration) {
        return duration == null ? Double.NaN : duration.toNanos() / 1e9;
    }

    @Override
    public void close() {
        replicas.forEach(Replica::close);
        primary.close();
    }
}
