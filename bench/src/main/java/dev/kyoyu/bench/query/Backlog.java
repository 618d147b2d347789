package dev.kyoyu.bench.query;

import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.bench.stack.BenchDatabase;
import dev.kyoyu.bench.stack.BenchTopics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;

/**
 * What the pipeline still owes: events on the topic the sink has not stored (its offsets live in the database,
 * written with the rows, so their sum is exactly the records stored from a fresh topic), decisions not stored
 * yet, and decisions without a vector. Waits for each with a progress bar and fails when nothing moves for long.
 */
public final class Backlog {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALL_LIMIT = Duration.ofMinutes(5);

    /** Embedding work as measured from the rows: how many got a vector, between which instants. */
    record Embedded(long rows, double seconds, long failed) {
        double perSecond() {
            return seconds > 0 ? rows / seconds : Double.NaN;
        }
    }

    private final BenchDatabase db;
    private final BenchTopics topics;
    private final String eventsTopic;

    public Backlog(BenchDatabase db, BenchTopics topics, String eventsTopic) {
        this.db = db;
        this.topics = topics;
        this.eventsTopic = eventsTopic;
    }

    public long storedEvents() {
        try (Connection c = db.connect();
             PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets WHERE topic = ?")) {
            s.setString(1, eventsTopic);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the sink's offsets", e);
        }
    }

    /** Records on the events topic the sink has not stored yet. */
    public long eventLag() {
        return topics.partitionSizes(eventsTopic).stream().mapToLong(Long::longValue).sum() - storedEvents();
    }

    /** Waits until the sink stored {@code events} events and the decisions (with {@code superseded} closed by revisions). */
    void awaitStored(long events, long decisions, long superseded, QueryStack stack) throws InterruptedException {
        try (ProgressBar bar = Progress.bar("sink: events stored", events, "ev")) {
            poll(bar, stack, () -> {
                long stored = storedEvents();
                bar.stepTo(stored);
                long[] d = counts("SELECT count(*), count(valid_to) FROM decisions");
                bar.setExtraMessage(String.format(" decisions %,d/%,d", d[0], decisions));
                return stored >= events && d[0] >= decisions && d[1] >= superseded ? -1 : stored + d[0] + d[1];
            });
        }
    }

    /** Waits until every decision has a vector (or was set aside as unembeddable). */
    Embedded awaitEmbedded(long decisions, QueryStack stack) throws InterruptedException {
        try (ProgressBar bar = Progress.bar("embedder: decisions embedded", decisions, "dec")) {
            poll(bar, stack, () -> {
                long[] c = counts("SELECT count(embedding), count(*) FILTER (WHERE embedding IS NULL AND embedding_error IS NULL) FROM decisions");
                bar.stepTo(c[0]);
                return c[1] == 0 ? -1 : c[0];
            });
        }
        long[] rows = counts("SELECT count(embedding), (extract(epoch FROM max(embedded_at) - min(embedded_at)) * 1000)::bigint, "
                + "count(embedding_error) FROM decisions");
        return new Embedded(rows[0], rows[1] / 1000.0, rows[2]);
    }

    long[] counts(String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rows = s.executeQuery(sql)) {
            rows.next();
            long[] values = new long[rows.getMetaData().getColumnCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = rows.getLong(i + 1);
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException("query failed on " + db.name() + ": " + sql, e);
        }
    }

    /** A progress measure; -1 when done. */
    private interface Probe {
        long progress();
    }

    private static void poll(ProgressBar bar, QueryStack stack, Probe probe) throws InterruptedException {
        long last = Long.MIN_VALUE;
        long lastChange = System.nanoTime();
        while (true) {
            long progress = probe.progress();
            if (progress < 0) {
                return;
            }
            if (progress != last) {
                last = progress;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > STALL_LIMIT.toNanos()) {
                throw new IllegalStateException(bar.getTaskName() + ": no progress for " + STALL_LIMIT + " at " + bar.getCurrent()
                        + " of " + bar.getMax());
            }
            stack.requireAlive();
            Thread.sleep(POLL);
        }
    }
}
