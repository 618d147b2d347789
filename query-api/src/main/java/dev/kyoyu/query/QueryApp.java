package dev.kyoyu.query;

import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.conflicts.ConflictReader;
import dev.kyoyu.query.db.ReadPools;
import dev.kyoyu.query.decisions.DecisionReader;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.query.http.AgentHistoryRoutes;
import dev.kyoyu.query.http.ConflictRoutes;
import dev.kyoyu.query.http.DecisionQueryRoutes;
import dev.kyoyu.query.http.RunQueryRoutes;
import dev.kyoyu.query.http.SearchRoutes;
import dev.kyoyu.query.http.SubscribeRoutes;
import dev.kyoyu.query.live.LiveFeed;
import dev.kyoyu.query.metrics.QueryMetrics;
import dev.kyoyu.query.runs.RunReader;
import dev.kyoyu.query.search.QueryEmbedder;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.identity.IdentityFollower;
import dev.kyoyu.service.identity.IdentityView;
import dev.kyoyu.service.http.BodyAdmission;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.http.JsonLimits;
import dev.kyoyu.service.http.ReadDeadlines;
import dev.kyoyu.service.db.DatabaseHealth;
import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.service.http.JsonBodies;
import dev.kyoyu.service.http.OpenApiRoute;
import dev.kyoyu.service.http.RouteLog;
import dev.kyoyu.service.limits.Limit;
import dev.kyoyu.service.limits.RateLimiter;
import dev.kyoyu.service.limits.RequestRateFilter;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.service.telemetry.HttpSpans;
import dev.kyoyu.service.telemetry.Telemetry;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wires the query API; {@code main} and the tests start it through {@link #start}. */
public final class QueryApp implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryApp.class);
    private static final int MAX_JSON_DEPTH = 32;
    private static final String SERVICE = "query-api";

    private final WebServer server;
    private final RouteLog routeLog;
    private final ReadPools pools;
    private final LiveFeed feed;
    private final QueryEmbedder embedder;
    private final IdentityView identities;
    private final IdentityFollower follower;
    private final RateLimiter limiter;

    private QueryApp(WebServer server, ReadPools pools, LiveFeed feed, QueryEmbedder embedder, RouteLog routeLog,
                     IdentityView identities, IdentityFollower follower, RateLimiter limiter) {
        this.server = server;
        this.identities = identities;
        this.follower = follower;
        this.routeLog = routeLog;
        this.pools = pools;
        this.feed = feed;
        this.embedder = embedder;
        this.limiter = limiter;
    }

    public static QueryApp start(QueryConfig config) {
        return start(config, Telemetry.fromEnvironment(SERVICE));
    }

    public static QueryApp start(QueryConfig config, OpenTelemetry telemetry) {
        PrometheusMeterRegistry registry = Metrics.newRegistry(SERVICE);
        // Before anything serves: a replica answers only once it holds every revocation the topic held at start.
        IdentityView identities = new IdentityView();
        IdentityFollower follower = IdentityFollower.start(config.kafkaBootstrap(), config.identities(), identities, registry);
        ReadPools pools = new ReadPools(new ReadPools.Settings(config.database(), config.replicaUrls(), config.poolSize(),
                config.replicaMaxLag(), config.statementTimeout()), registry, Clock.systemUTC());
        Tokens tokens = Tokens.verifying(config.tokenKeys(), Clock.systemUTC());
        Authenticator authenticator = new Authenticator(tokens, identities, Audience.QUERY, registry);
        RateLimiter limiter = RateLimiter.create(config.rateLimits(), registry);
        Tracer tracer = telemetry.getTracer("dev.kyoyu.query");
        QueryMetrics metrics = new QueryMetrics(registry, SERVICE);
        // Grants are always read on the primary, so a revoke applies at once even while replicas lag.
        AccessGrants grants = new AccessGrants(pools.primary(), pools.statementTimeout(), Clock.systemUTC());
        DecisionReader decisions = new DecisionReader(pools, tracer);
        ReadDeadlines deadlines = new ReadDeadlines(config.http());
        JsonBodies bodies = new JsonBodies(JsonLimits.of(config.maxBodyBytes(), MAX_JSON_DEPTH, config.maxJsonTokens()), deadlines);
        // Query bodies are small, but a burst of them at the body limit must not take the heap either.
        BodyAdmission admission = new BodyAdmission(config.bodyBudgetBytes(), config.bodyBudgetWait(), authenticator, Set.of(),
                BodyAdmission.declaredLength(config.maxBodyBytes()), registry, "kyoyu.query.body.budget.used.bytes");
        QueryEmbedder embedder = new QueryEmbedder(config.embedding().createProvider(), config.searchEmbedThreads(),
                config.searchEmbedQueue(), config.embedding().timeout());
        LOG.info("search queries are embedded with {}", embedder.model());
        LiveFeed feed = new LiveFeed(config.kafkaBootstrap(), config.decisionsTopic(), config.conflictsTopic(), registry).start();
        SubscribeRoutes.Settings subscribe = new SubscribeRoutes.Settings(config.subscribeHeartbeat(), config.subscribeQueue(),
                config.subscribeLookback(), config.subscribeMax(), config.subscribeGrantRefresh(), config.subscribeMaxPerAgent());

        HealthChecks health = health(pools, feed, follower);
        RouteLog routeLog = new RouteLog();
        WebServer server = config.management().addTo(
                        HttpServers.builder(config.host(), config.port(), config.http(), deadlines, config.maxBodyBytes()),
                        config.host(), registry, health)
                .routing(routing -> {
                    routing = routeLog.recording(routing); // the contract test compares them with the OpenAPI document
                    HttpSpans.install(routing, telemetry, "dev.kyoyu.query", path -> "kyoyu.query");
                    admission.install(routing);
                    ApiErrors.install(routing);
                    // Counted before any route reads a body or the database; subscriptions are bounded by their own cap.
                    RequestRateFilter.install(routing, authenticator, limiter, Map.of("/v1/query", Limit.QUERIES, "/v1/runs", Limit.QUERIES,
                            "/v1/agents", Limit.QUERIES, "/v1/conflicts", Limit.QUERIES, "/v1/search", Limit.SEARCHES));
                    config.management().install(routing, registry, health);
                    routing.register("/v1/runs", new RunQueryRoutes(authenticator, grants, new RunReader(pools, tracer),
                            config.maxEventsPerPage(), metrics));
                    routing.register("/v1/query", new DecisionQueryRoutes(authenticator, grants, decisions, bodies, metrics,
                            config.maxResults()));
                    routing.register("/v1/search", new SearchRoutes(authenticator, grants, decisions, embedder, bodies, metrics,
                            config.maxSearchResults(), new SearchTuning(config.searchEfSearch(), config.searchExactMaxRows())));
                    routing.register("/v1/agents", new AgentHistoryRoutes(authenticator, grants, decisions, metrics, config.maxResults()));
                    routing.register("/v1/conflicts", new ConflictRoutes(authenticator, grants, new ConflictReader(pools, tracer),
                            metrics, config.maxResults()));
                    routing.register("/v1/subscribe", new SubscribeRoutes(authenticator, grants, feed, subscribe));
                    OpenApiRoute.install(routing, "openapi/query-api.yaml");
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        return new QueryApp(server, pools, feed, embedder, routeLog, identities, follower, limiter);
    }

    /**
     * Healthy while the primary answers. Kafka only feeds subscriptions and replicas only take load off the primary,
     * so their states are reported, not required. The identity view must be current: a stale one could admit a
     * revoked token.
     */
    private static HealthChecks health(ReadPools pools, LiveFeed feed, IdentityFollower follower) {
        HealthChecks health = new HealthChecks().add("postgres", new DatabaseHealth(pools.primary())::check)
                .add("identities", follower::health);
        if (pools.hasReplicas()) {
            health.add("replicas", () -> HealthChecks.Result.ready(pools.replicaHealth()));
        }
        return health.add("kafka", () -> HealthChecks.Result.ready(feed.connected() ? "ok" : "unreachable (subscriptions wait for it)"));
    }

    /** This replica's copy of the identity topic (agents, API keys, roles, grants). */
    public IdentityView identities() {
        return identities;
    }

    /** Every route the server registered, as the routing was built. */
    public List<RouteLog.Route> routes() {
        return routeLog.routes();
    }

    public int port() {
        return server.port();
    }

    /** The port /metrics answers on: the management port when one is configured. */
    public int metricsPort() {
        return ManagementPort.metricsPort(server);
    }

    @Override
    public void close() {
        try {
            feed.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
        follower.close();
        embedder.close();
        pools.close();
        limiter.close();
    }
}
