package dev.kyoyu.service.limits;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Map;
import java.util.Optional;

/**
 * Counts each request against its agent's limit before any route sees it: a filter, so a refused request reserves
 * no body budget, reads and parses nothing, and reaches neither Kafka nor PostgreSQL. Which limit applies is chosen
 * by the longest matching path prefix; other paths are not counted. A request without a valid token passes
 * uncounted, and its route answers 401: a limit needs an identity.
 */
public final class RequestRateFilter {
    /** The caller of the request this thread is working on, for what is charged deeper down (events): see {@link #roleOf}. */
    private static final ThreadLocal<Caller> CURRENT = new ThreadLocal<>();

    private final Authenticator authenticator;
    private final RateLimiter limiter;
    private final Map<String, Limit> limitByPathPrefix;

    private RequestRateFilter(Authenticator authenticator, RateLimiter limiter, Map<String, Limit> limitByPathPrefix) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.limitByPathPrefix = Map.copyOf(limitByPathPrefix);
    }

    /** Install after tracing and before any filter that reserves resources (the body budget). */
    public static void install(HttpRouting.Builder routing, Authenticator authenticator, RateLimiter limiter,
                               Map<String, Limit> limitByPathPrefix) {
        RateLimitHeaders.install(routing);
        RequestRateFilter filter = new RequestRateFilter(authenticator, limiter, limitByPathPrefix);
        routing.addFilter(filter::filter);
    }

    private void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Limit limit = limitFor(req.path().path());
        if (limit != null) {
            // Verified once per request (the routes reuse it); a failure is the route's to answer and count.
            Optional<Caller> caller = authenticator.caller(req);
            if (caller.isPresent()) {
                RateLimitHeaders.write(res, limiter.charge(limit, caller.get().agentId(), caller.get().role(), 1));
                // Helidon runs a request's filters and route on one thread: the route's charges see this caller.
                CURRENT.set(caller.get());
                try {
                    chain.proceed();
                } finally {
                    CURRENT.remove();
                }
                return;
            }
        }
        chain.proceed();
    }

    /**
     * The role of {@code agentId} as the token of the request being handled on this thread says; {@link Role#AGENT}
     * when this thread handles no counted request of that identity. Lets what is charged after the routes parsed the
     * request (events) use the bucket of the caller's role without the routes passing it down.
     */
    public static Role roleOf(String agentId) {
        Caller caller = CURRENT.get();
        return caller != null && caller.agentId().equals(agentId) ? caller.role() : Role.AGENT;
    }

    private Limit limitFor(String path) {
        Limit found = null;
        int longest = -1;
        for (Map.Entry<String, Limit> entry : limitByPathPrefix.entrySet()) {
            if (path.startsWith(entry.getKey()) && entry.getKey().length() > longest) {
                found = entry.getValue();
                longest = entry.getKey().length();
            }
        }
        return found;
    }
}
