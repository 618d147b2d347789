package dev.kyoyu.sink.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How big the data is and how it is kept, read from PostgreSQL's and TimescaleDB's catalog every
 * KYOYU_STORAGE_METRICS_INTERVAL: {@code kyoyu_db_table_size_bytes{table}}, {@code kyoyu_chunk_count{state}}
 * (compressed | uncompressed), {@code kyoyu_chunk_oldest_uncompressed_age_seconds} and
 * {@code kyoyu_compression_ratio{table}}. The last two are absent on TimescaleDB's Apache edition, which cannot
 * compress (said once in the log): there every chunk stays uncompressed, so the age would only grow and keep the
 * uncompressed-chunks alert firing with nothing to do about it. Every sink worker reports the same numbers;
 * dashboards take the max over instances.
 *
 * <p>Off the write path entirely: its own pool of one read-only connection, held only while reading (it closes when
 * idle), in a transaction with a statement and lock timeout so a catalog read never waits long behind chunk
 * maintenance (transaction-local, so a transaction-mode pooler hands no setting on to another client). Scrapes show
 * the last reading; a failed reading keeps the previous one and is logged.
 */
public final class StorageMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StorageMetrics.class);

    private final HikariDataSource pool;
    private final MeterRegistry registry;
    private final ScheduledExecutorService timer;
    private final MultiGauge tableSizes;
    private final MultiGauge compressionRatios;
    private volatile StorageReading last;
    private Boolean compression; // null until the edition is known

    private StorageMetrics(HikariDataSource pool, MeterRegistry registry) {
        this.pool = pool;
        this.registry = registry;
        this.tableSizes = MultiGauge.builder("kyoyu.db.table.size").baseUnit("bytes")
                .description("a table's size with indexes and TOAST; a hypertable's over all its chunks").register(registry);
        this.compressionRatios = MultiGauge.builder("kyoyu.compression.ratio")
                .description("bytes before / after compression of a hypertable's compressed chunks").register(registry);
        this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sink-storage-metrics").daemon().factory());
    }

    /** Reads now, then every {@code interval}, on {@code pool} (which this closes). */
    public static StorageMetrics start(HikariDataSource pool, MeterRegistry registry, Duration interval) {
        StorageMetrics metrics = new StorageMetrics(pool, registry);
        metrics.timer.scheduleWithFixedDelay(metrics::readSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return metrics;
    }

    /** Settings for the pool {@link #start} is given: read-only, no connection kept between readings. */
    public static void tune(HikariConfig hikari) {
        hikari.setReadOnly(true);
        hikari.setMinimumIdle(0);
        hikari.setIdleTimeout(Duration.ofSeconds(10).toMillis());
    }

    private void readSafely() {
        try (Connection connection = pool.getConnection()) {
            StorageCatalog.begin(connection);
            if (compression == null) {
                compression = compressionAvailable(StorageCatalog.license(connection));
            }
            publish(StorageCatalog.read(connection, compression));
            connection.rollback(); // it only read
        } catch (SQLException | RuntimeException e) {
            LOG.warn("could not read table sizes and chunks for /metrics (the last reading stays): {}", e.toString());
        }
    }

    private static boolean compressionAvailable(String license) {
        if ("timescale".equals(license)) {
            return true;
        }
        LOG.info("TimescaleDB here is the {} edition (timescaledb.license={}), which cannot compress chunks: "
                + "kyoyu_compression_ratio and kyoyu_chunk_oldest_uncompressed_age_seconds are not reported",
                license == null ? "unknown" : "Apache", license);
        return false;
    }

    private void publish(StorageReading reading) {
        boolean first = last == null;
        last = reading;
        if (first) {
            chunkGauge("compressed", StorageReading::compressedChunks);
            chunkGauge("uncompressed", StorageReading::uncompressedChunks);
            if (compression) {
                Gauge.builder("kyoyu.chunk.oldest.uncompressed.age", this, m -> m.last.oldestUncompressedAgeSeconds())
                        .baseUnit("seconds").description("how long ago the oldest uncompressed chunk's time range ended")
                        .register(registry);
            }
        }
        tableSizes.register(rows(reading.tableBytes().keySet(), StorageReading::tableBytes), true);
        compressionRatios.register(rows(reading.compressionRatios().keySet(), StorageReading::compressionRatios), true);
    }

    private void chunkGauge(String state, ToDoubleFunction<StorageReading> count) {
        Gauge.builder("kyoyu.chunk.count", this, m -> count.applyAsDouble(m.last)).tag("state", state)
                .description("chunks of Kyoyu's hypertables, by compression state").register(registry);
    }

    /** One row per table, each reading its value from the latest reading (NaN once a table is gone). */
    private Iterable<MultiGauge.Row<?>> rows(Set<String> tables, Function<StorageReading, Map<String, ? extends Number>> values) {
        return tables.stream().<MultiGauge.Row<?>>map(table -> MultiGauge.Row.of(Tags.of("table", table), this, m -> {
            Number value = values.apply(m.last).get(table);
            return value == null ? Double.NaN : value.doubleValue();
        })).toList();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        pool.close();
    }
}
