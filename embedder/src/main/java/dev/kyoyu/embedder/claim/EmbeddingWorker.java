package dev.kyoyu.embedder.claim;

import dev.kyoyu.embedder.provider.EmbeddingException;
import dev.kyoyu.embedder.provider.EmbeddingProvider;
import dev.kyoyu.embedder.provider.EmbeddingSettings.ClientVectors;
import dev.kyoyu.service.retry.Backoff;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedding loop: claim a small batch of decisions without a vector, embed them, store the vectors and
 * commit, all in one transaction, so a crash anywhere leaves the rows unclaimed for the next embedder.
 * Several embedders (threads or processes) can run at once: the claim skips rows another one holds.
 *
 * <p>How each failure is handled: a row the provider refuses is set aside with its reason and the rest of
 * the batch goes on; an unreachable provider or database rolls the batch back and retries after a growing
 * pause; a misconfigured provider does the same but also makes /health fail, since no row can succeed.
 * When there is nothing to do the loop polls with a backoff from {@code idleMin} to {@code idleMax}.
 */
public final class EmbeddingWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingWorker.class);
    private static final Duration BACKLOG_REFRESH = Duration.ofSeconds(10);

    private final DataSource dataSource;
    private final EmbeddingProvider provider;
    private final ClientVectors clientVectors;
    private final int batchSize;
    private final long lockHoldMillis;
    private final Backoff idle;
    private final Backoff retry;
    private final DecisionClaims claims = new DecisionClaims();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Thread thread;

    private final Counter storedByModel;
    private final Counter storedFromClient;
    private final Counter setAside;
    private final Counter retriable;
    private final Counter misconfigured;
    private final Timer batchDuration;
    private final AtomicLong backlog = new AtomicLong();
    private volatile String fatalProblem;
    private long backlogRefreshedAt;

    /**
     * @param providerTimeout how long one provider call may take; claimed rows stay locked at most about this long
     */
    public EmbeddingWorker(DataSource dataSource, EmbeddingProvider provider, ClientVectors clientVectors, int batchSize,
                           Duration idleMin, Duration idleMax, Duration retryMax, Duration providerTimeout,
                           MeterRegistry registry) {
        this.dataSource = dataSource;
        this.provider = provider;
        this.clientVectors = clientVectors;
        this.batchSize = batchSize;
        this.lockHoldMillis = providerTimeout.toMillis() + 30_000;
        this.idle = new Backoff(idleMin, idleMax, ThreadLocalRandom.current());
        this.retry = new Backoff(idleMin, retryMax, ThreadLocalRandom.current());
        this.storedByModel = Counter.builder("kyoyu.embeddings.stored").tag("source", "model").register(registry);
        this.storedFromClient = Counter.builder("kyoyu.embeddings.stored").tag("source", "client").register(registry);
        this.setAside = Counter.builder("kyoyu.embedding.failures").tag("kind", "unembeddable").register(registry);
        this.retriable = Counter.builder("kyoyu.embedding.failures").tag("kind", "retriable").register(registry);
        this.misconfigured = Counter.builder("kyoyu.embedding.failures").tag("kind", "misconfigured").register(registry);
        this.batchDuration = Timer.builder("kyoyu.embedding.batch.duration").publishPercentileHistogram().register(registry);
        Gauge.builder("kyoyu.embedding.backlog", backlog, AtomicLong::get)
                .description("decisions waiting for a vector").register(registry);
        this.thread = Thread.ofPlatform().name("embedder-worker").unstarted(this::loop);
    }

    public EmbeddingWorker start() {
        thread.start();
        return this;
    }

    /** Why no row can be embedded right now (the provider's configuration is wrong), or null. */
    public String fatalProblem() {
        return fatalProblem;
    }

    private void loop() {
        while (stop.getCount() > 0) {
            long pause;
            try {
                int claimed = embedOneBatch();
                fatalProblem = null;
                retry.reset();
                if (claimed == 0) {
                    refreshBacklog(true);
                    pause = idle.next().toMillis();
                } else {
                    idle.reset();
                    refreshBacklog(false);
                    pause = 0;
                }
            } catch (EmbeddingException.Misconfigured e) {
                misconfigured.increment();
                fatalProblem = e.getMessage();
                LOG.error("the embedding provider is misconfigured; retrying, but no decision gets a vector until it is fixed: {}", e.getMessage());
                pause = retry.next().toMillis();
            } catch (EmbeddingException.Retriable | SQLException e) {
                retriable.increment();
                LOG.warn("embedding batch rolled back, will retry: {}", e.toString());
                pause = retry.next().toMillis();
            } catch (RuntimeException e) {
                retriable.increment();
                LOG.error("embedding batch failed unexpectedly, will retry", e);
                pause = retry.next().toMillis();
            }
            if (pause > 0 && await(pause)) {
                return;
            }
        }
    }

    /** One claim-embed-store transaction; the number of rows claimed (0 when there was nothing to do). */
    int embedOneBatch() throws SQLException, EmbeddingException.Retriable, EmbeddingException.Misconfigured {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Timer.Sample sample = Timer.start();
                List<DecisionClaims.Claimed> rows = claims.claim(connection, batchSize, lockHoldMillis);
                if (rows.isEmpty()) {
                    connection.commit();
                    return 0;
                }
                List<DecisionClaims.Claimed> forModel = new ArrayList<>();
                List<UUID> clientIds = new ArrayList<>();
                List<float[]> clientVectorsFound = new ArrayList<>();
                for (DecisionClaims.Claimed row : rows) {
                    if (clientVectors == ClientVectors.ACCEPT && row.clientEmbedding() != null) {
                        ClientVector.Parsed parsed = ClientVector.parse(row.clientEmbedding());
                        if (parsed.vector() != null) {
                            clientIds.add(row.id());
                            clientVectorsFound.add(parsed.vector());
                            continue;
                        }
                        LOG.warn("decision {} brought its own vector, which cannot be used ({}); embedding its text instead", row.id(), parsed.problem());
                    }
                    forModel.add(row);
                }
                claims.store(connection, clientIds, clientVectorsFound, ClientVector.MODEL);
                int embedded = embedWithModel(connection, forModel);
                connection.commit();
                sample.stop(batchDuration);
                storedFromClient.increment(clientIds.size());
                storedByModel.increment(embedded);
                return rows.size();
            } catch (SQLException | EmbeddingException.Retriable | EmbeddingException.Misconfigured | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
        }
    }

    /** Embeds the rows as one call; a refused batch is split so that only the refused rows are set aside. */
    private int embedWithModel(Connection connection, List<DecisionClaims.Claimed> rows)
            throws SQLException, EmbeddingException.Retriable, EmbeddingException.Misconfigured {
        if (rows.isEmpty()) {
            return 0;
        }
        try {
            List<float[]> vectors = provider.embed(rows.stream().map(DecisionClaims.Claimed::text).toList());
            claims.store(connection, rows.stream().map(DecisionClaims.Claimed::id).toList(), vectors, provider.model());
            return rows.size();
        } catch (EmbeddingException.Unembeddable e) {
            if (rows.size() == 1) {
                setAside.increment();
                LOG.warn("decision {} cannot be embedded and is set aside: {}", rows.getFirst().id(), e.getMessage());
                claims.setAside(connection, rows.getFirst().id(), e.getMessage());
                return 0;
            }
            int embedded = 0;
            for (DecisionClaims.Claimed row : rows) {
                embedded += embedWithModel(connection, List.of(row));
            }
            return embedded;
        } catch (EmbeddingException.Retriable | EmbeddingException.Misconfigured e) {
            throw e;
        } catch (EmbeddingException e) {
            throw new IllegalStateException("every EmbeddingException is one of the three kinds", e);
        }
    }

    private void refreshBacklog(boolean idleNow) {
        long now = System.nanoTime();
        if (!idleNow && now - backlogRefreshedAt < BACKLOG_REFRESH.toNanos()) {
            return;
        }
        backlogRefreshedAt = now;
        try (Connection connection = dataSource.getConnection()) {
            backlog.set(claims.backlog(connection));
        } catch (SQLException e) {
            LOG.debug("cannot count the backlog: {}", e.toString());
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed (the connection is probably gone): {}", e.toString());
        }
    }

    /** Waits up to {@code millis}; true when asked to stop meanwhile. */
    private boolean await(long millis) {
        try {
            return stop.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    /** Stops after the batch in progress (which commits or rolls back as a whole). */
    @Override
    public void close() throws InterruptedException {
        stop.countDown();
        thread.join(Duration.ofSeconds(60));
    }
}
