package dev.kyoyu.query.http;

import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.live.FeedPosition;
import dev.kyoyu.query.live.LiveFeed;
import dev.kyoyu.query.live.Subscriber;
import dev.kyoyu.query.live.Subscription;
import dev.kyoyu.query.live.SubscriptionFilter;
import dev.kyoyu.query.live.SubscriptionSlots;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.ErrorCode;
import dev.kyoyu.service.http.RequestIds;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/subscribe?agent_id=&decision_type=&confidence_min=}: Server-Sent Events of new decisions
 * ({@code event: decision}) and conflicts ({@code event: conflict}) that match and that the caller may read.
 * {@code agent_id} may repeat. A reconnect with {@code Last-Event-ID} resumes after the last event received.
 */
public final class SubscribeRoutes implements HttpService {
    private static final Logger LOG = LoggerFactory.getLogger(SubscribeRoutes.class);
    private static final HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");
    private static final Set<String> PARAMS = Set.of("agent_id", "decision_type", "confidence_min");

    /** The most agent_id values one subscription may name. */
    static final int MAX_AGENT_IDS = 100;

    /** How subscriptions behave; see QueryConfig for each setting's variable and default. */
    public record Settings(Duration heartbeat, int queueCapacity, int resumeLookback, int maxSubscribers,
                           Duration grantRefresh, Map<Role, Integer> maxPerAgent) {
    }

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final LiveFeed feed;
    private final Settings settings;
    private final SubscriptionSlots slots;

    public SubscribeRoutes(Authenticator authenticator, AccessGrants grants, LiveFeed feed, Settings settings) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.feed = feed;
        this.settings = settings;
        this.slots = new SubscriptionSlots(settings.maxPerAgent());
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::subscribe);
    }

    private void subscribe(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        Fields.onlyParams(req, PARAMS);
        List<String> agentIds = Fields.params(req, "agent_id", MAX_AGENT_IDS);
        for (String agentId : agentIds) {
            if (!AgentIds.isValid(agentId)) {
                throw Fields.invalid("agent_id", Fields.quote(agentId) + " is not an agent id (" + AgentIds.rule() + ")");
            }
        }
        SubscriptionFilter filter = new SubscriptionFilter(agentIds.isEmpty() ? null : List.copyOf(agentIds),
                Fields.textParam(req, "decision_type", Fields.MAX_TYPE_CHARS), Fields.unitParam(req, "confidence_min"));
        Map<FeedPosition.Key, Long> resume = resumePositions(req);
        ReadScope scope = grants.scopeOf(caller);
        if (filter.agentIds() != null) {
            scope.requireReadable(filter.agentIds(), "agent_id");
        }
        if (feed.subscriberCount() >= settings.maxSubscribers()) {
            throw ApiException.unavailable("this query-api process serves its maximum of " + settings.maxSubscribers()
                    + " subscriptions; retry, ideally against another replica", Duration.ofSeconds(5), null);
        }
        try (SubscriptionSlots.Slot slot = slots.take(caller.agentId(), caller.role())) {
            if (slot == null) {
                int cap = slots.perAgent(caller.role());
                throw new ApiException(ErrorCode.RATE_LIMITED, "agent " + caller.agentId() + " already holds " + cap
                        + " open subscriptions, the most one identity of role " + caller.role().wireName()
                        + " may hold on this process; close one first", Map.of("limit", cap));
            }
            stream(req, res, caller, filter, scope, resume);
        }
    }

    private void stream(ServerRequest req, ServerResponse res, Caller caller, SubscriptionFilter filter, ReadScope scope,
                        Map<FeedPosition.Key, Long> resume) {
        Subscriber subscriber = new Subscriber(filter, scope, settings.queueCapacity(), Thread.currentThread());
        BooleanSupplier tokenHonoured = authenticator.stillHonoured(req);
        Subscription subscription = new Subscription(feed, subscriber, resume, settings.heartbeat(), settings.grantRefresh(),
                settings.resumeLookback(), () -> {
                    if (!tokenHonoured.getAsBoolean()) {
                        return null; // the caller's token was revoked since the stream opened
                    }
                    ReadScope fresh = grants.scopeOf(caller);
                    boolean stillReadable = filter.agentIds() == null || filter.agentIds().stream().allMatch(fresh::canRead);
                    return stillReadable ? fresh : null;
                });
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(RequestIds.HEADER, RequestIds.of(req));
        // Tells nginx-style proxies not to buffer the stream.
        res.header(HeaderNames.create("X-Accel-Buffering"), "no");
        try {
            subscription.run(() -> res.sink(SseSink.TYPE));
        } catch (Exception e) {
            // The stream has started: there is no error envelope to send any more, only a connection to drop.
            LOG.debug("subscription of {} ended: {}", caller.agentId(), e.toString());
        }
    }

    private static Map<FeedPosition.Key, Long> resumePositions(ServerRequest req) {
        String lastEventId = req.headers().first(LAST_EVENT_ID).orElse("");
        try {
            return FeedPosition.decode(lastEventId);
        } catch (IllegalArgumentException e) {
            throw Fields.invalid("Last-Event-ID", e.getMessage() + "; send back an id this endpoint sent");
        }
    }
}
