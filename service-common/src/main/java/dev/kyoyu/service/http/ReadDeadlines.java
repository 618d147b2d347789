package dev.kyoyu.service.http;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The read timeout of a listener. Helidon 4 applies no socket read timeout to server connections and its idle
 * timeout only ends connections between requests, so a client that stops sending in the middle of its headers
 * or its body would hold its connection forever. Each blocking read is watched here: when it has not returned
 * within the read timeout, the reading (virtual) thread is interrupted, which closes its socket.
 */
public final class ReadDeadlines {
    /** One timer for the process: it only flips flags and interrupts, and servers come and go in tests. */
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration readTimeout;
    private final ThreadLocal<Watch> headerWatch = new ThreadLocal<>();

    public ReadDeadlines(Duration readTimeout) {
        this.readTimeout = readTimeout;
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
