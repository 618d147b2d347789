package dev.kyoyu.query.live;

import dev.kyoyu.query.access.ReadScope;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One SSE client as the feed sees it: a filter, a bounded queue the feed fills without ever waiting, and the
 * thread that writes the queue to the client. When the queue is full the client is too slow: the feed drops
 * it (so it neither blocks other subscribers nor grows memory), and its writer sends a last event and ends.
 * A writer stuck in a socket write to a client that stopped reading is interrupted, which closes the socket.
 */
public final class Subscriber {
    /** Why a subscription ended from the server's side. */
    public enum Ending { SLOW_CONSUMER, ACCESS_REVOKED, ACCESS_EXPIRED, ACCESS_UNVERIFIED, SERVER_STOPPING }

    private final SubscriptionFilter filter;
    private final BlockingQueue<FeedEvent> queue;
    private final Thread writer;
    private volatile ReadScope scope;
    private volatile Ending ending;

    public Subscriber(SubscriptionFilter filter, ReadScope scope, int capacity, Thread writer) {
        this.filter = filter;
        this.scope = scope;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.writer = writer;
    }

    /** Called by the feed for every record: true when the subscriber keeps up (or did not want it). */
    boolean offer(FeedEvent event) {
        if (ending != null) {
            return false;
        }
        if (!filter.matches(event, scope)) {
            return true;
        }
        if (queue.offer(event)) {
            return true;
        }
        end(Ending.SLOW_CONSUMER);
        return false;
    }

    /** Ends the subscription; its writer notices at once, even when blocked. */
    void end(Ending why) {
        if (ending == null) {
            ending = why;
            if (Thread.currentThread() != writer) {
                writer.interrupt();
            }
        }
    }

    /** The next event, or null after {@code timeoutMillis} without one (time for a heartbeat). */
    public FeedEvent next(long timeoutMillis) throws InterruptedException {
        return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    public Ending ending() {
        return ending;
    }

    public ReadScope scope() {
        return scope;
    }

    public SubscriptionFilter filter() {
        return filter;
    }

    public void updateScope(ReadScope scope) {
        this.scope = scope;
    }

    /** Ends the subscription because an agent it named is out of reach: its grant expired, or was withdrawn. */
    public void revoke() {
        List<String> named = filter.agentIds();
        boolean expired = named != null && named.stream().anyMatch(scope::expiredFor);
        end(expired ? Ending.ACCESS_EXPIRED : Ending.ACCESS_REVOKED);
    }
}
