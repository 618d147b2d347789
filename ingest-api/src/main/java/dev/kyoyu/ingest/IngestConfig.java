package dev.kyoyu.ingest;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.schemas.event.EventLimits;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.limits.Limit;
import dev.kyoyu.service.limits.RateLimits;
import dev.kyoyu.service.http.HttpServerSettings;
import dev.kyoyu.service.http.ManagementPort;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the ingest API is told from outside, read once and validated together.
 *
 * @param ackTimeout         how long a request waits for the broker before answering 503 with Retry-After
 * @param maxBodyBytes       request body limit (413 beyond it)
 * @param maxEventsPerRequest events in one batch request (400 beyond it)
 * @param idSecret           keys the owner tag in run ids and the ids derived from Idempotency-Keys (no default:
 *                           every replica must share it, and a changed secret orphans the runs tagged before)
 * @param adminAgents        agents whose tokens may read every agent's traces
 * @param maxStreamBytes     body limit of the streamed NDJSON endpoint
 * @param maxStreamEvents    events in one NDJSON request
 * @param maxDecisionBytes   a traced decision with its alternatives and evidence, serialized; must stay
 *                           below the broker's message size limit (1 MB by default)
 * @param maxRecordBytes     a Kafka record (key, value, headers, batch overhead); the producer's max.request.size.
 *                           Anything larger is refused with 413 before sending. The broker's message.max.bytes
 *                           (1 MB by default) must be at least this.
 * @param bodyBudgetBytes    request bodies being worked on at once, all requests together (memory bound)
 * @param bodyBudgetWait     how long a request waits for room in that budget before a 503
 * @param rateLimits         per agent: requests/s (counted at the door) and events/s (counted once a request's events
 *                           are validated, before any is sent); defaults well above what the ingest bench sends per agent
 * @param http               read and idle timeouts of the listener
 * @param tokenMaxBodyBytes  body limit of {@code POST /auth/token}: the one body read before authentication
 * @param maxJsonTokens      JSON tokens in one request body (or NDJSON line): bounds the tree a body becomes
 * @param management         where /metrics is served (KYOYU_INGEST_MANAGEMENT_PORT; unset: the main port)
 */
public record IngestConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String eventsTopic,
        Secret jwtSecret,
        Secret apiKeySecret,
        Secret idSecret,
        Set<String> adminAgents,
        Duration tokenLifetime,
        Duration ackTimeout,
        long maxBodyBytes,
        int maxEventsPerRequest,
        int maxJsonNestingDepth,
        EventLimits eventLimits,
        long producerBufferBytes,
        long maxStreamBytes,
        int maxStreamEvents,
        int maxDecisionBytes,
        int maxRecordBytes,
        long bodyBudgetBytes,
        Duration bodyBudgetWait,
        RateLimits rateLimits,
        HttpServerSettings http,
        int tokenMaxBodyBytes,
        int maxJsonTokens,
        ManagementPort management) {

    public static IngestConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        IngestConfig config = new IngestConfig(
                r.string("KYOYU_INGEST_HOST", "127.0.0.1"),
                r.port("KYOYU_INGEST_PORT", 8080),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_EVENTS_TOPIC", Topics.EVENTS),
                r.requiredSecret("KYOYU_JWT_SECRET"),
                r.requiredSecret("KYOYU_API_KEY_SECRET"),
                r.requiredSecret("KYOYU_ID_SECRET"),
                Arrays.stream(r.string("KYOYU_ADMIN_AGENTS", "admin").split(","))
                        .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet()),
                r.duration("KYOYU_TOKEN_LIFETIME", Duration.ofHours(1)),
                r.duration("KYOYU_INGEST_ACK_TIMEOUT", Duration.ofSeconds(10)),
                r.integer("KYOYU_INGEST_MAX_BODY_BYTES", 16 * 1024 * 1024, 1024, Integer.MAX_VALUE),
                r.integer("KYOYU_INGEST_MAX_EVENTS_PER_REQUEST", 5000, 1, 100_000),
                r.integer("KYOYU_INGEST_MAX_JSON_DEPTH", 64, 4, 1000),
                new EventLimits(
                        r.integer("KYOYU_INGEST_MAX_PAYLOAD_BYTES", 64 * 1024, 16, 16 * 1024 * 1024),
                        r.duration("KYOYU_INGEST_MAX_FUTURE_SKEW", Duration.ofMinutes(5))),
                r.integer("KYOYU_INGEST_PRODUCER_BUFFER_BYTES", 64 * 1024 * 1024, 1024 * 1024, Integer.MAX_VALUE),
                r.integer("KYOYU_INGEST_MAX_STREAM_BYTES", 256 * 1024 * 1024, 1024, Integer.MAX_VALUE),
                r.integer("KYOYU_INGEST_MAX_STREAM_EVENTS", 500_000, 1, 10_000_000),
                r.integer("KYOYU_INGEST_MAX_DECISION_BYTES", 512 * 1024, 1024, 900 * 1024),
                r.integer("KYOYU_INGEST_MAX_RECORD_BYTES", 1024 * 1024, 64 * 1024, 64 * 1024 * 1024),
                r.integer("KYOYU_INGEST_BODY_BUDGET_BYTES", 24 * 1024 * 1024, 64 * 1024, Integer.MAX_VALUE),
                r.duration("KYOYU_INGEST_BODY_BUDGET_WAIT", Duration.ofSeconds(2)),
                RateLimits.read(r, Map.of(Limit.INGEST_REQUESTS, "1000/s", Limit.INGEST_EVENTS, "20000/s")),
                HttpServerSettings.read(r),
                r.integer("KYOYU_INGEST_TOKEN_MAX_BODY_BYTES", 4096, 256, 64 * 1024),
                r.integer("KYOYU_INGEST_MAX_JSON_TOKENS", 1_000_000, 1000, 100_000_000),
                ManagementPort.read(r, "KYOYU_INGEST"));
        // A trace adds up to three lifecycle events to the ones it carries.
        if (config.rateLimits().capacity(Limit.INGEST_EVENTS, false) < config.maxEventsPerRequest() + 3L) {
            r.problem("KYOYU_RATE_INGEST_EVENTS=" + config.rateLimits().rate(Limit.INGEST_EVENTS) + " with KYOYU_RATE_BURST="
                    + config.rateLimits().burst() + " holds fewer events than one request may carry (KYOYU_INGEST_MAX_EVENTS_PER_REQUEST="
                    + config.maxEventsPerRequest() + ", plus 3)");
        }
        r.finish();
        return config;
    }
}
