package dev.kyoyu.service.http;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import java.time.Duration;

/**
 * Every Kyoyu web server starts from here, so each listener has the same bounds on slow and idle clients and
 * answers the server's own refusals (bad request line, headers, Content-Length, chunking, sizes) in the envelope.
 */
public final class HttpServers {
    private HttpServers() {
    }

    /**
     * @param maxPayloadBytes the largest body any route takes; the server refuses a larger Content-Length (413)
     *                        before routing, and stops a chunked body once it grows past it
     */
    public static WebServerConfig.Builder builder(String host, int port, HttpServerSettings settings, ReadDeadlines deadlines,
                                                  long maxPayloadBytes) {
        // Idle connections are closed by Helidon once they have sent a request; before that by the deadlines.
        return WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(maxPayloadBytes)
                // Helidon checks for idle connections every idleConnectionPeriod; a tenth of the timeout keeps the
                // actual bound close to the setting.
                .idleConnectionTimeout(settings.idleTimeout())
                .idleConnectionPeriod(max(Duration.ofSeconds(1), settings.idleTimeout().dividedBy(10)))
                .addProtocol(Http1Config.builder().addReceiveListener(deadlines.headersListener()).build())
                .directHandlers(ApiErrors.directHandlers())
                // Helidon's message reaches the direct handlers only when this is on (and only when it deems it safe).
                .errorHandling(errors -> errors.includeEntity(true))
                // Nagle's algorithm (Helidon's default) holds an answer written in two pieces until the client's
                // delayed ACK: up to 40 ms more on a keep-alive connection, as query-api measured.
                .connectionOptions(deadlines.socketOptions(SocketOptions.builder().tcpNoDelay(true).build()));
    }

    /** A server that takes no request bodies: /health and /metrics of the workers. */
    public static WebServerConfig.Builder healthServer(String host, int port) {
        HttpServerSettings settings = HttpServerSettings.defaults();
        return builder(host, port, settings, new ReadDeadlines(settings), 0);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
