package dev.kyoyu.ingest.kafka;

import dev.kyoyu.service.http.HealthChecks;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * The /health check of ingest-api's broker: ready while the cluster answers a describe-cluster request. The
 * producer alone cannot tell (it answers from cached metadata and connects only to send). An answer is reused
 * for {@link #REUSE}, so a stream of unauthenticated /health requests costs the broker little.
 */
public final class BrokerHealth implements AutoCloseable {
    static final Duration REUSE = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private HealthChecks.Result last;
    private long lastAtNanos;

    public BrokerHealth(String bootstrap) {
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "ingest-health",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
    }

    public synchronized HealthChecks.Result check() {
        long now = System.nanoTime();
        if (last != null && now - lastAtNanos < REUSE.toNanos()) {
            return last;
        }
        last = describe();
        lastAtNanos = System.nanoTime();
        return last;
    }

    private HealthChecks.Result describe() {
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()))
                    .nodes().get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            return HealthChecks.Result.ready("ok (" + brokers + (brokers == 1 ? " broker)" : " brokers)"));
        } catch (ExecutionException | TimeoutException e) {
            return HealthChecks.Result.notReady("unreachable: events cannot be stored");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthChecks.Result.notReady("interrupted");
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(2));
    }
}
