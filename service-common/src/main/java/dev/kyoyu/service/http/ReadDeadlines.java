package dev.kyoyu.service.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.common.socket.SocketOptions;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of a listener. Helidon 4 applies no socket read timeout to server connections, and its idle
 * timeout only ends connections between requests (not before the first byte of the first one), so a client that
 * stops sending in the middle of its headers or its body, or never sends anything, would hold its connection
 * forever. Each blocking read is watched here: when it has not returned within the read timeout, the reading
 * (virtual) thread is interrupted, which closes its socket. A new connection must start its first request within
 * the idle timeout.
 */
public final class ReadDeadlines {
    /** One timer for the process: it only flips flags and interrupts, and servers come and go in tests. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration readTimeout;
    private final Duration idleTimeout;
    private final ThreadLocal<Watch> headerWatch = new ThreadLocal<>();
    private final Map<SocketAddress, SocketChannel> awaitingFirstRequest = new ConcurrentHashMap<>();

    public ReadDeadlines(HttpServerSettings settings) {
        this.readTimeout = settings.readTimeout();
        this.idleTimeout = settings.idleTimeout();
    }

    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                r -> Thread.ofPlatform().daemon().name("kyoyu-read-deadlines").unstarted(r));
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /** Starts watching a read the current thread is about to block in. */
    Watch arm() {
        Watch watch = new Watch(Thread.currentThread());
        watch.future = TIMER.schedule(watch::fire, readTimeout.toNanos(), TimeUnit.NANOSECONDS);
        return watch;
    }

    /** Bounds the time from the end of the request line to the end of the headers. */
    public Http1ConnectionListener headersListener() {
        return new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                awaitingFirstRequest.remove(ctx.remotePeer().address());
                Watch previous = headerWatch.get();
                if (previous != null) {
                    previous.disarm();
                }
                headerWatch.set(arm());
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                Watch watch = headerWatch.get();
                if (watch != null) {
                    headerWatch.remove();
                    watch.disarm();
                }
            }
        };
    }

    /** The listener's socket options, which also start watching each accepted connection for its first request. */
    public SocketOptions socketOptions(SocketOptions options) {
        return new WatchingSocketOptions(options);
    }

    private void accepted(SocketChannel channel) {
        SocketAddress peer;
        try {
            peer = channel.getRemoteAddress();
        } catch (IOException e) {
            return;
        }
        if (peer == null) {
            return;
        }
        awaitingFirstRequest.put(peer, channel);
        TIMER.schedule(() -> {
            if (awaitingFirstRequest.remove(peer, channel)) {
                try {
                    channel.close();
                } catch (IOException e) {
                    // closing is all we wanted
                }
            }
        }, idleTimeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Helidon's socket options as configured, plus the first-request watch at accept time. */
    private final class WatchingSocketOptions implements SocketOptions {
        private final SocketOptions options;

        WatchingSocketOptions(SocketOptions options) {
            this.options = options;
        }

        @Override
        public void configureSocket(SocketChannel channel) {
            options.configureSocket(channel);
            accepted(channel);
        }

        @Override
        public void configureSocket(Socket socket) {
            options.configureSocket(socket);
        }

        @Override
        public Map<SocketOption<?>, Object> socketOptions() {
            return options.socketOptions();
        }

        @Override
        public Duration connectTimeout() {
            return options.connectTimeout();
        }

        @Override
        public Duration readTimeout() {
            return options.readTimeout();
        }

        @Override
        public Optional<Integer> socketReceiveBufferSize() {
            return options.socketReceiveBufferSize();
        }

        @Override
        public Optional<Integer> socketSendBufferSize() {
            return options.socketSendBufferSize();
        }

        @Override
        public boolean socketReuseAddress() {
            return options.socketReuseAddress();
        }

        @Override
        public boolean socketKeepAlive() {
            return options.socketKeepAlive();
        }

        @Override
        public boolean tcpNoDelay() {
            return options.tcpNoDelay();
        }
    }

    /** A read timeout fired: the message a client would see if its connection were still open. */
    BodyReadException timedOut(Throwable cause) {
        return new BodyReadException(ErrorCode.REQUEST_TIMEOUT,
                "the request body stopped arriving: nothing was received for " + readTimeout.toMillis() + " ms", cause);
    }

    static final class Watch {
        private final Thread thread;
        private volatile ScheduledFuture<?> future;
        private boolean done;
        private boolean fired;

        Watch(Thread thread) {
            this.thread = thread;
        }

        private synchronized void fire() {
            if (!done) {
                fired = true;
                thread.interrupt();
            }
        }

        /** Stops watching; true when the deadline passed first (the interrupt it caused is cleared). */
        synchronized boolean disarm() {
            if (done) {
                return fired;
            }
            done = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            if (fired) {
                Thread.interrupted();
            }
            return fired;
        }
    }
}
