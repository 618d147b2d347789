package dev.kyoyu.ingest;

import dev.kyoyu.schemas.Topics;
import dev.kyoyu.schemas.event.EventLimits;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.identity.IdentityFollowerSettings;
import dev.kyoyu.service.limits.Limit;
import dev.kyoyu.service.limits.RateLimits;
import dev.kyoyu.service.limits.RoleDefaults;
import dev.kyoyu.service.http.HttpServerSettings;
import dev.kyoyu.service.http.ManagementPort;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the ingest API is told from outside, read once and validated together.
 *
 * @param ackTimeout         how long a request waits for the broker before answering 503 with Retry-After
 * @param maxBodyBytes       request body limit (413 beyond it)
 * @param maxEventsPerRequest events in one batch request (400 beyond it)
 * @param idSecret           keys the owner tag in run ids and the ids derived from Idempotency-Keys (no default:
 *                           every replica must share it, and a changed secret orphans the runs tagged before)
 * @param tokenKeys          the key tokens are signed with ({@code KYOYU_TOKEN_SIGNING_KEY}) and every key a token
 *                           may be signed by ({@code KYOYU_TOKEN_VERIFY_KEYS})
 * @param tokenLifetime      how long a token lives unless its request asks for less (at most {@link Tokens#MAX_LIFETIME})
 * @param keyRotationOverlap how long an agent's old API keys stay usable after a rotation that names no overlap
 * @param maxStreamBytes     body limit of the streamed NDJSON endpoint
 * @param maxStreamEvents    events in one NDJSON request
 * @param maxDecisionBytes   a traced decision with its alternatives and evidence, serialized; must stay
 *                           below the broker's message size limit (1 MB by default)
 * @param maxRecordBytes     a Kafka record (key, value, headers, batch overhead); the producer's max.request.size.
 *                           Anything larger is refused with 413 before sending. The broker's message.max.bytes
 *                           (1 MB by default) must be at least this.
 * @param bodyBudgetBytes    request bodies being worked on at once, all requests together (memory bound)
 * @param bodyBudgetWait     how long a request waits for room in that budget before a 503
 * @param rateLimits         per identity, by role: requests/s (counted at the door) and events/s (counted once a
 *                           request's events are validated, before any is sent); the agent defaults are well above what
 *                           the ingest bench sends per agent, admins get ten times them, readers send no events
 * @param http               read and idle timeouts of the listener
 * @param tokenMaxBodyBytes  body limit of {@code POST /auth/token}: the one body read before authentication
 * @param maxJsonTokens      JSON tokens in one request body (or NDJSON line): bounds the tree a body becomes
 * @param identities         how this replica follows the identity topic (revocations, keys, roles)
 * @param management         where /metrics is served (KYOYU_INGEST_MANAGEMENT_PORT; unset: the main port)
 */
public record IngestConfig(
        String host,
        int port,
        String kafkaBootstrap,
        String eventsTopic,
        TokenKeys tokenKeys,
        Secret idSecret,
        Duration keyRotationOverlap,
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
        IdentityFollowerSettings identities,
        ManagementPort management) {

    public static IngestConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        IngestConfig config = new IngestConfig(
                r.string("KYOYU_INGEST_HOST", "127.0.0.1"),
                r.port("KYOYU_INGEST_PORT", 8080),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_EVENTS_TOPIC", Topics.EVENTS),
                TokenKeys.signingAndVerifying(r),
                r.requiredSecret("KYOYU_ID_SECRET"),
                r.duration("KYOYU_KEY_ROTATION_OVERLAP", Duration.ofHours(1)),
                r.duration("KYOYU_TOKEN_LIFETIME", Tokens.DEFAULT_LIFETIME),
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
                RateLimits.read(r, Map.of(
                        // A reader's requests are all refused (it writes nothing); a few per second keep its 403s cheap.
                        Limit.INGEST_REQUESTS, new RoleDefaults("1000/s", "10000/s", "10/s"),
                        Limit.INGEST_EVENTS, new RoleDefaults("20000/s", "200000/s", RateLimits.NONE))),
                HttpServerSettings.read(r),
                r.integer("KYOYU_INGEST_TOKEN_MAX_BODY_BYTES", 4096, 256, 64 * 1024),
                r.integer("KYOYU_INGEST_MAX_JSON_TOKENS", 1_000_000, 1000, 100_000_000),
                IdentityFollowerSettings.read(r),
                ManagementPort.read(r, "KYOYU_INGEST_MANAGEMENT_PORT"));
        if (config.tokenLifetime().isZero() || config.tokenLifetime().isNegative()
                || config.tokenLifetime().compareTo(Tokens.MAX_LIFETIME) > 0) {
            r.problem("KYOYU_TOKEN_LIFETIME=" + config.tokenLifetime() + " must be positive and at most 1h: tokens are short-lived by design");
        }
        // A trace adds up to three lifecycle events to the ones it carries.
        for (Role role : Role.values()) {
            long capacity = config.rateLimits().capacity(Limit.INGEST_EVENTS, role);
            if (role.canWrite() && capacity < config.maxEventsPerRequest() + 3L) {
                r.problem(Limit.INGEST_EVENTS.setting(role) + "=" + config.rateLimits().rate(Limit.INGEST_EVENTS, role).map(Object::toString)
                        .orElse(RateLimits.NONE) + " with KYOYU_RATE_BURST=" + config.rateLimits().burst()
                        + " holds fewer events than one request may carry (KYOYU_INGEST_MAX_EVENTS_PER_REQUEST="
                        + config.maxEventsPerRequest() + ", plus 3)");
            }
        }
        if (config.keyRotationOverlap().isNegative()) {
            r.problem("KYOYU_KEY_ROTATION_OVERLAP=" + config.keyRotationOverlap() + " is negative; 0 ends old keys at once");
        }
        r.finish();
        return config;
    }
}
