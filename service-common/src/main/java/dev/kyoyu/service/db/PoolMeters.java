package dev.kyoyu.service.db;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Kyoyu's own view of a HikariCP pool, named the same in every service so one dashboard and one alert cover them
 * all: {@code kyoyu_active_connections{pool}} and {@code kyoyu_pool_utilization_ratio{pool}} (active / maximum,
 * 0..1). Read from the pool's MXBean at scrape time: no I/O, no extra bookkeeping on the connection path.
 */
public final class PoolMeters {
    private PoolMeters() {
    }

    public static void bind(HikariDataSource pool, MeterRegistry registry) {
        String name = pool.getPoolName();
        Gauge.builder("kyoyu.active.connections", pool, PoolMeters::active)
                .tag("pool", name).description("connections of the pool in use right now").register(registry);
        Gauge.builder("kyoyu.pool.utilization.ratio", pool, p -> active(p) / Math.max(1, p.getMaximumPoolSize()))
                .tag("pool", name).description("connections in use / the pool's maximum size").register(registry);
    }

    private static double active(HikariDataSource pool) {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? 0 : bean.getActiveConnections(); // null only before the pool started or after it closed
    }
}
