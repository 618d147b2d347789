package dev.kyoyu.system.drills;

import dev.kyoyu.testsupport.LocalStack;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes one decision of an agent on the primary every {@code every}, and records when each commit had returned
 * (on {@link System#nanoTime()}'s clock): what a read sent at time t must at least show, given how stale it may be.
 */
final class MarkerWriter implements AutoCloseable {
    private static final String INSERT = """
            INSERT INTO decisions (id, run_id, agent_id, decision_type, outcome, valid_from, source_event_id)
            VALUES (gen_random_uuid(), gen_random_uuid(), ?, 'failover_marker', 'written', now(), gen_random_uuid())""";

    private final LocalStack stack;
    private final String agentId;
    private final Duration every;
    private final List<Long> committed = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Exception failure;

    MarkerWriter(LocalStack stack, String agentId, Duration every) {
        this.stack = stack;
        this.agentId = agentId;
        this.every = every;
        this.thread = Thread.ofPlatform().daemon().name("marker-writer").start(this::loop);
    }

    private void loop() {
        try (Connection connection = stack.connect(); PreparedStatement insert = connection.prepareStatement(INSERT)) {
            insert.setString(1, agentId);
            while (!stopped) {
                insert.executeUpdate(); // autocommit: the commit has returned
                long now = System.nanoTime();
                synchronized (committed) {
                    committed.add(now);
                }
                Thread.sleep(every);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            failure = e;
        }
    }

    /** How many markers had been committed by {@code nanos}. */
    long committedBy(long nanos) {
        synchronized (committed) {
            int low = 0;
            int high = committed.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                if (committed.get(mid) <= nanos) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            return low;
        }
    }

    long count() {
        synchronized (committed) {
            return committed.size();
        }
    }

    /** Null unless writing failed. */
    Exception failure() {
        return failure;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
