package dev.kyoyu.ingest;

import dev.kyoyu.ingest.admin.AdminActions;
import dev.kyoyu.ingest.admin.AdminPublisher;
import dev.kyoyu.ingest.admin.AdminRoutes;
import dev.kyoyu.ingest.admin.AuditTrail;
import dev.kyoyu.ingest.http.AuthRoutes;
import dev.kyoyu.ingest.http.EventStreamRoutes;
import dev.kyoyu.ingest.http.IdempotencyKeys;
import dev.kyoyu.ingest.http.IngestMetrics;
import dev.kyoyu.ingest.http.IngestRoutesContext;
import dev.kyoyu.ingest.http.RunRoutes;
import dev.kyoyu.ingest.http.TraceRoutes;
import dev.kyoyu.ingest.kafka.EventPublisher;
import dev.kyoyu.ingest.ownership.RunOwnership;
import dev.kyoyu.schemas.event.EventValidator;
import dev.kyoyu.schemas.event.IdKey;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Audience;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.http.ApiErrors;
import dev.kyoyu.service.identity.IdentityFollower;
import dev.kyoyu.service.identity.IdentityView;
import dev.kyoyu.service.kafka.BrokerHealth;
import dev.kyoyu.service.http.BodyAdmission;
import dev.kyoyu.service.http.HttpServers;
import dev.kyoyu.service.http.JsonLimits;
import dev.kyoyu.service.http.ManagementPort;
import dev.kyoyu.service.http.ReadDeadlines;
import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.service.http.JsonBodies;
import dev.kyoyu.service.http.OpenApiRoute;
import dev.kyoyu.service.http.RouteLog;
import dev.kyoyu.service.identity.IdentityView;
import dev.kyoyu.service.limits.Limit;
import dev.kyoyu.service.limits.RateLimiter;
import dev.kyoyu.service.limits.RequestRateFilter;
import dev.kyoyu.service.metrics.Metrics;
import dev.kyoyu.service.telemetry.HttpSpans;
import dev.kyoyu.service.telemetry.Telemetry;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/** Wires the ingest API; {@code main} and the tests start it through {@link #start}. */
public final class IngestApp implements AutoCloseable {
    private final WebServer server;
    private final RouteLog routeLog;
    private final EventPublisher publisher;
    private final IdentityView identities;
    private final IdentityFollower follower;
    private final AdminPublisher adminPublisher;
    private final RateLimiter limiter;
    private final HealthChecks health;
    private final BrokerHealth broker;

    private IngestApp(WebServer server, EventPublisher publisher, AdminPublisher adminPublisher, RouteLog routeLog,
                      IdentityView identities, IdentityFollower follower, RateLimiter limiter, HealthChecks health,
                      BrokerHealth broker) {
        this.server = server;
        this.limiter = limiter;
        this.routeLog = routeLog;
        this.publisher = publisher;
        this.adminPublisher = adminPublisher;
        this.identities = identities;
        this.follower = follower;
        this.health = health;
        this.broker = broker;
    }

    public static IngestApp start(IngestConfig config) {
        return start(config, Telemetry.fromEnvironment("ingest-api"));
    }

    public static IngestApp start(IngestConfig config, OpenTelemetry telemetry) {
        Clock clock = Clock.systemUTC();
        PrometheusMeterRegistry registry = Metrics.newRegistry("ingest-api");
        // Before anything serves: a replica answers only once it holds every revocation the topic held at start.
        IdentityView identities = new IdentityView();
        IdentityFollower follower = IdentityFollower.start(config.kafkaBootstrap(), config.identities(), identities, registry);
        RateLimiter limiter = RateLimiter.create(config.rateLimits(), registry);
        EventPublisher publisher = new EventPublisher(config, telemetry.getPropagators().getTextMapPropagator(), (agentId, events) ->
                limiter.charge(Limit.INGEST_EVENTS, agentId, RequestRateFilter.roleOf(agentId), events));
        Gauge.builder("kyoyu.ingest.inflight.events", publisher, EventPublisher::unacknowledged)
                .description("events handed to the Kafka producer and not yet acknowledged").register(registry);
        Tokens tokens = Tokens.issuing(config.tokenKeys(), config.tokenLifetime(), clock);
        ReadDeadlines deadlines = new ReadDeadlines(config.http());
        JsonBodies bodies = new JsonBodies(JsonLimits.of(config.maxBodyBytes(), config.maxJsonNestingDepth(), config.maxJsonTokens()),
                deadlines);
        JsonBodies streams = new JsonBodies(JsonLimits.of(config.maxStreamBytes(), config.maxJsonNestingDepth(), config.maxJsonTokens()),
                deadlines);
        JsonBodies tokenBodies = new JsonBodies(AuthRoutes.limits(config.tokenMaxBodyBytes()), deadlines);
        Authenticator authenticator = new Authenticator(tokens, identities, Audience.INGEST, registry);
        IdKey idKey = new IdKey(config.idSecret().bytes());
        IngestRoutesContext routes = new IngestRoutesContext(bodies, authenticator,
                new EventValidator(config.eventLimits(), clock), publisher, clock, new IngestMetrics(registry),
                new IdempotencyKeys(idKey), new RunOwnership(idKey));
        AdminPublisher adminPublisher = new AdminPublisher(config.kafkaBootstrap(), config.identities().topic(), config.eventsTopic(),
                config.ackTimeout(), identities);
        AdminActions adminActions = new AdminActions(identities, adminPublisher, new AuditTrail(routes.ownership()), clock);

        // A streamed request holds one line and the acknowledgements of what it sent, not its body.
        long streamReservation = config.eventLimits().maxPayloadBytes() + 1024 * 1024;
        ToLongFunction<ServerRequest> declared = BodyAdmission.declaredLength(config.maxBodyBytes());
        BodyAdmission admission = new BodyAdmission(config.bodyBudgetBytes(), config.bodyBudgetWait(), authenticator,
                Set.of(AuthRoutes.TOKEN_PATH),
                req -> req.headers().first(HeaderNames.CONTENT_TYPE).orElse("").startsWith(EventStreamRoutes.NDJSON)
                        ? streamReservation : declared.applyAsLong(req),
                registry, "kyoyu.ingest.body.budget.used.bytes");
        // Ready only while events can be stored; other parts add their checks (e.g. the identity view caught up).
        BrokerHealth broker = new BrokerHealth(config.kafkaBootstrap(), "ingest-health", "events cannot be stored");
        HealthChecks health = new HealthChecks().add("kafka", broker::check).add("identities", follower::health);
        RouteLog routeLog = new RouteLog();
        WebServer server = config.management().addTo(HttpServers.builder(config.host(), config.port(), config.http(), deadlines,
                        Math.max(config.maxBodyBytes(), config.maxStreamBytes())), config.host(), registry, health)
                // On SIGTERM, requests already waiting for Kafka get their answer before the listener closes.
                .shutdownGracePeriod(config.ackTimeout().plusSeconds(5))
                .routing(routing -> {
                    routing = routeLog.recording(routing); // the contract test compares them with the OpenAPI document
                    HttpSpans.install(routing, telemetry, "dev.kyoyu.ingest",
                            path -> path.startsWith("/v1/trace") ? "kyoyu.api.trace" : "kyoyu.ingest");
                    // Before the body budget: a request over its agent's rate takes none of it.
                    RequestRateFilter.install(routing, authenticator, limiter, Map.of("/v1/", Limit.INGEST_REQUESTS));
                    admission.install(routing);
                    ApiErrors.install(routing);
                    config.management().install(routing, registry, health);
                    routing.register("/auth", new AuthRoutes(tokenBodies, identities, tokens, clock, registry));
                    routing.register("/v1/admin", new AdminRoutes(bodies, authenticator, identities, adminActions,
                            config.keyRotationOverlap(), clock));
                    routing.register("/v1/runs", new RunRoutes(routes, config.maxEventsPerRequest()));
                    routing.register("/v1/trace", new TraceRoutes(routes, config.maxEventsPerRequest(), config.maxDecisionBytes()));
                    // A line holds one event: its payload plus room for the envelope fields.
                    routing.register("/v1/events", new EventStreamRoutes(routes, streams,
                            config.eventLimits().maxPayloadBytes() + 16 * 1024, config.maxStreamEvents()));
                    OpenApiRoute.install(routing, "openapi/ingest-api.yaml");
                    ApiErrors.installFallback(routing);
                })
                .build()
                .start();
        return new IngestApp(server, publisher, adminPublisher, routeLog, identities, follower, limiter, health, broker);
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

    /** What /health asks; a part that the service needs before it can do its job adds its check here. */
    public HealthChecks health() {
        return health;
    }

    /** Stop taking requests, let in-flight ones finish, then flush what the producer still holds. */
    @Override
    public void close() {
        server.stop();
        publisher.close();
        follower.close();
        adminPublisher.close();
        limiter.close();
        broker.close();
    }
}
