package dev.kyoyu.service.kafka;

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
 * The /health check of a service that cannot work without Kafka: ready while the cluster answers a
 * describe-cluster request. A producer or consumer alone cannot tell (they answer from cached metadata, and an idle
 * one may hold no connection). An answer is reused
 * for {@link #REUSE}, so a stream of unauthenticated /health requests costs the broker little.
 */
public final class BrokerHealth implements AutoCloseable {
    static final Duration REUSE = Duration.ofSeconds(1);
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Admin admin;
    private final String what;
    private HealthChecks.Result last;
    private long lastAtNanos;

    /** {@code what} says what stops while the broker is away, e.g. "events cannot be stored". */
    public BrokerHealth(String bootstrap, String clientId, String what) {
        this.what = what;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, clientId,
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
            return HealthChecks.Result.notReady("unreachable: " + what);
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
