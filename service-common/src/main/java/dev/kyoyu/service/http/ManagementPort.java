package dev.kyoyu.service.http;

import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.metrics.ReadinessGauge;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.Supplier;

/**
 * Where a service serves {@code /metrics}: on its own port when {@code KYOYU_<SERVICE>_MANAGEMENT_PORT} is set (a
 * second listener of the same server, Helidon's named socket {@value #SOCKET}, so a firewall can keep the metrics
 * off the network the API faces), otherwise on the main port as before. /health is answered on both.
 *
 * @param port null when unset: /metrics stays on the main port; 0 picks a free port (tests)
 */
public record ManagementPort(Integer port) {
    public static final String SOCKET = "management";

    /** {@code name} is the service's setting, e.g. KYOYU_INGEST_MANAGEMENT_PORT. */
    public static ManagementPort read(EnvReader r, String name) {
        return new ManagementPort(r.string(name, null) == null ? null : r.port(name, 0));
    }

    public boolean separate() {
        return port != null;
    }

    /**
     * The main routing's /health (and /metrics unless it has its own port); also registers {@code kyoyu_ready}, the
     * same readiness as a gauge, so every service that serves /health reports it.
     */
    public void install(io.helidon.webserver.http.HttpRouting.Builder routing, PrometheusMeterRegistry registry,
                        Supplier<HealthAndMetricsRoutes.Health> health) {
        ReadinessGauge.register(registry, health);
        HealthAndMetricsRoutes.installHealth(routing, health);
        if (!separate()) {
            HealthAndMetricsRoutes.installMetrics(routing, registry);
        }
    }

    /** Adds the management listener on {@code host} with /metrics and /health to {@code server} when a port is configured. */
    public WebServerConfig.Builder addTo(WebServerConfig.Builder server, String host, PrometheusMeterRegistry registry,
                                         Supplier<HealthAndMetricsRoutes.Health> health) {
        if (!separate()) {
            return server;
        }
        return server.putSocket(SOCKET, socket -> socket.host(host).port(port).maxPayloadSize(0))
                .routing(SOCKET, routing -> {
                    ApiErrors.install(routing);
                    HealthAndMetricsRoutes.installHealth(routing, health);
                    HealthAndMetricsRoutes.installMetrics(routing, registry);
                    ApiErrors.installFallback(routing);
                });
    }

    /** The port /metrics is served on. */
    public static int metricsPort(WebServer server) {
        int management = server.port(SOCKET); // -1 when there is no such socket
        return management > 0 ? management : server.port();
    }
}
