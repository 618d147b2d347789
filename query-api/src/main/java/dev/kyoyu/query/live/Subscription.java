package dev.kyoyu.query.live;

import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.schemas.event.EventJson;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.sse.SseSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one subscriber's events to its SSE stream on the request's own thread: first the replay of what it
 * missed (when it resumed with Last-Event-ID), then live events, with a comment line as heartbeat whenever
 * nothing was sent for a while. Every event's id is the subscriber's position ({@link FeedPosition}).
 */
public final class Subscription {
    private static final Logger LOG = LoggerFactory.getLogger(Subscription.class);
    /** Failed scope re-reads are tolerated for this many intervals (a database blip), then the stream ends. */
    private static final int UNVERIFIED_GRACE = 3;

    /** Re-reads what the subscriber may see; null when it lost access to something it asked for. */
    @FunctionalInterface
    public interface ScopeRefresh {
        ReadScope refresh() throws Exception;
    }

    private final LiveFeed feed;
    private final Subscriber subscriber;
    private final Map<FeedPosition.Key, Long> resume;
    private final Duration heartbeat;
    private final Duration scopeRefreshInterval;
    private final int lookback;
    private final ScopeRefresh scopeRefresh;
    private final Map<FeedPosition.Key, Long> positions = new HashMap<>();
    private final Map<FeedPosition.Key, Long> floors = new HashMap<>();

    public Subscription(LiveFeed feed, Subscriber subscriber, Map<FeedPosition.Key, Long> resume, Duration heartbeat,
                        Duration scopeRefreshInterval, int lookback, ScopeRefresh scopeRefresh) {
        this.feed = feed;
        this.subscriber = subscriber;
        this.resume = resume;
        this.heartbeat = heartbeat;
        this.scopeRefreshInterval = scopeRefreshInterval;
        this.lookback = lookback;
        this.scopeRefresh = scopeRefresh;
    }

    /** Streams until the client goes away or the server ends the subscription; the sink is opened by the caller. */
    public void run(Supplier<SseSink> openSink) throws Exception {
        Map<FeedPosition.Key, Long> dispatched = feed.register(subscriber);
        try (SseSink sink = openSink.get()) {
            positions.putAll(resume);
            dispatched.forEach((key, next) -> {
                long covered = Math.max(next, resume.getOrDefault(key, next));
                positions.put(key, covered);
                // Live records below this were covered before (by the replay, or by the client on another replica).
                floors.put(key, covered);
            });
            replay(sink, dispatched);
            live(sink);
        } finally {
            feed.unregister(subscriber);
            Thread.interrupted();
        }
    }

    private void replay(SseSink sink, Map<FeedPosition.Key, Long> dispatched) {
        try (CatchUp catchUp = new CatchUp(feed, resume, dispatched, lookback)) {
            catchUp.starts().forEach(positions::put);
            catchUp.gaps().forEach(gap -> emitGap(sink, gap));
            int reported = catchUp.gaps().size();
            catchUp.replay(Duration.ofSeconds(30), (key, offset, value) -> {
                positions.put(key, offset + 1);
                FeedEvent event = FeedEvent.parse(key, offset, value);
                if (event != null && subscriber.filter().matches(event, subscriber.scope())) {
                    emit(sink, event);
                }
            });
            // Replayed partitions are now covered up to where the live feed took over.
            catchUp.starts().keySet().forEach(key -> positions.merge(key, dispatched.get(key), Math::max));
            catchUp.gaps().subList(reported, catchUp.gaps().size()).forEach(gap -> emitGap(sink, gap));
        }
    }

    /**
     * Live events until the subscription ends. The read scope is re-read every {@code scopeRefreshInterval}
     * whether the stream is busy or idle, and every event is matched against the newest scope just before it is
     * written (it may have been queued under an older one): a withdrawn grant stops a busy stream within the interval.
     * An expiring grant needs no re-read: the scope judges expiry at each delivery, so nothing of the owner is sent
     * from the instant the grant expires, without a reconnect; the next re-read then ends a subscription that named
     * that owner (it would otherwise stay open to receive nothing), as for a withdrawal.
     */
    private void live(SseSink sink) throws Exception {
        long heartbeatNanos = heartbeat.toNanos();
        long refreshNanos = scopeRefreshInterval.toNanos();
        long sentAt = System.nanoTime();
        long scopeCheckedAt = sentAt;
        long scopeConfirmedAt = sentAt;
        while (true) {
            if (subscriber.ending() != null) {
                emitEnding(sink, subscriber.ending());
                return;
            }
            long now = System.nanoTime();
            if (now - scopeCheckedAt >= refreshNanos) {
                scopeCheckedAt = now;
                if (refreshScope()) {
                    scopeConfirmedAt = now;
                } else if (now - scopeConfirmedAt > UNVERIFIED_GRACE * refreshNanos) {
                    subscriber.end(Subscriber.Ending.ACCESS_UNVERIFIED);
                }
                continue;
            }
            long waitNanos = Math.min(heartbeatNanos - (now - sentAt), refreshNanos - (now - scopeCheckedAt));
            FeedEvent event;
            try {
                event = subscriber.next(Math.max(1, waitNanos / 1_000_000));
            } catch (InterruptedException e) {
                continue; // the subscription was ended; the top of the loop says why
            }
            if (event == null) {
                if (System.nanoTime() - sentAt >= heartbeatNanos) {
                    sink.emit(SseEvent.builder().comment("heartbeat").build());
                    sentAt = System.nanoTime();
                }
                continue;
            }
            Long floor = floors.get(event.key());
            if (floor != null && event.offset() < floor) {
                continue;
            }
            if (!subscriber.filter().matches(event, subscriber.scope())) {
                continue;
            }
            emit(sink, event);
            sentAt = System.nanoTime();
        }
    }

    /** Re-reads the scope: narrows it, or ends the subscription when an agent it named is out of reach; false when the read failed. */
    private boolean refreshScope() {
        ReadScope scope;
        try {
            scope = scopeRefresh.refresh();
        } catch (Exception e) {
            LOG.warn("cannot re-check the read scope of a subscription of {}: {}", subscriber.scope().callerAgentId(), e.toString());
            return false;
        }
        if (scope == null) {
            subscriber.revoke();
        } else {
            subscriber.updateScope(scope);
        }
        return true;
    }

    private void emit(SseSink sink, FeedEvent event) {
        positions.put(event.key(), event.offset() + 1);
        sink.emit(SseEvent.builder().id(FeedPosition.encode(positions)).name(event.eventName()).data((Object) event.json()).build());
    }

    private void emitGap(SseSink sink, CatchUp.Gap gap) {
        String data = EventJson.MAPPER.createObjectNode()
                .put("topic", feed.topic(gap.key().role()))
                .put("partition", gap.key().partition())
                .put("missed_from_offset", gap.requested())
                .put("resumed_at_offset", gap.resumedAt())
                .put("message", "records before the resume point are beyond the replay bound and are not sent")
                .toString();
        sink.emit(SseEvent.builder().name("gap").data((Object) data).build());
    }

    private void emitEnding(SseSink sink, Subscriber.Ending ending) {
        String message = switch (ending) {
            case SLOW_CONSUMER -> "the client did not keep up and its queue filled; reconnect with Last-Event-ID to resume";
            case ACCESS_REVOKED -> "access to an agent of this subscription was withdrawn";
            case ACCESS_EXPIRED -> "the access grant to an agent of this subscription expired";
            case SERVER_STOPPING -> "this query-api process is stopping; reconnect with Last-Event-ID to resume elsewhere";
            case ACCESS_UNVERIFIED -> "access could not be re-checked for a while (the database does not answer); reconnect with"
                    + " Last-Event-ID to resume";
        };
        String data = EventJson.MAPPER.createObjectNode()
                .put("reason", ending.name().toLowerCase(java.util.Locale.ROOT))
                .put("message", message)
                .toString();
        sink.emit(SseEvent.builder().id(FeedPosition.encode(positions)).name("end").data((Object) data).build());
    }
}
