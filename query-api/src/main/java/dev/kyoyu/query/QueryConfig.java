package dev.kyoyu.query;

import dev.kyoyu.embedder.provider.EmbeddingSettings;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.schemas.Topics;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.service.config.EnvReader;
import dev.kyoyu.service.identity.IdentityFollowerSettings;
import dev.kyoyu.service.db.DatabaseSettings;
import dev.kyoyu.service.limits.Limit;
import dev.kyoyu.service.limits.RateLimits;
import dev.kyoyu.service.limits.RoleDefaults;
import dev.kyoyu.service.http.HttpServerSettings;
import dev.kyoyu.service.http.ManagementPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query API's settings, read once and validated together.
 *
 * @param replicaUrls          JDBC URLs of streaming replicas that take reads (KYOYU_QUERY_REPLICA_URLS, comma-separated);
 *                             empty: every read goes to the primary
 * @param replicaMaxLag        a replica serves reads only while its data is at most this far behind the primary
 * @param tokenKeys            public keys a token may be signed by ({@code KYOYU_TOKEN_VERIFY_KEYS}); no private key
 * @param maxEventsPerPage     the most events {@code GET /v1/runs/{id}} returns in one answer
 * @param maxResults           the largest {@code limit} of /v1/query, /v1/query/temporal, history and conflicts
 * @param maxSearchResults     the largest {@code limit} of /v1/search
 * @param searchEfSearch       pgvector's hnsw.ef_search for /v1/search: candidates examined (recall vs. latency)
 * @param searchExactMaxRows   a search whose filters leave at most this many decisions (planner's estimate) ranks them
 *                             exactly instead of walking the HNSW graph
 * @param searchEmbedThreads   platform threads that embed search queries (each runs one inference at a time)
 * @param subscribeHeartbeat   a comment line goes to an idle SSE subscriber this often
 * @param subscribeQueue       events buffered per subscriber; a subscriber that falls this far behind is dropped
 * @param subscribeLookback    the most records per partition a Last-Event-ID resume replays
 * @param subscribeMax         subscriptions one process serves at once
 * @param subscribeGrantRefresh how often an open subscription re-reads the caller's access grants, busy or idle
 *                             (100ms..30s): a revoked grant stops a stream within it
 * @param rateLimits           per agent: queries/min (structured, temporal, runs, history, conflicts) and searches/min
 *                             (an embedding and a vector scan each); subscriptions are not counted here
 * @param http                 read and idle timeouts of the listener
 * @param maxBodyBytes         request body limit of the POST queries (413 beyond it)
 * @param maxJsonTokens        JSON tokens in one request body: bounds the tree a body becomes
 * @param bodyBudgetBytes      request bodies being worked on at once, all requests together (memory bound)
 * @param bodyBudgetWait       how long a request waits for room in that budget before a 503
 * @param statementTimeout     PostgreSQL's statement_timeout on every read of every query pool (primary and replicas; set
 *                             per transaction): a query running longer is cancelled and answered 503 (1ms..10m)
 * @param searchEmbedQueue     search queries that may wait for an embedding thread; beyond it a search is 503 (0..10000)
 * @param subscribeMaxPerAgent subscriptions one identity may hold open on one process at once, by role
 *                             (KYOYU_SUBSCRIBE_MAX_PER_AGENT for role agent, _ADMIN and _READER for the others)
 * @param identities           how this replica follows the identity topic (revocations, keys, roles)
 */
public record QueryConfig(
        String host,
        int port,
        DatabaseSettings database,
        int poolSize,
        List<String> replicaUrls,
        Duration replicaMaxLag,
        TokenKeys tokenKeys,
        int maxEventsPerPage,
        int maxResults,
        int maxSearchResults,
        int searchEfSearch,
        long searchExactMaxRows,
        int searchEmbedThreads,
        String kafkaBootstrap,
        String decisionsTopic,
        String conflictsTopic,
        Duration subscribeHeartbeat,
        int subscribeQueue,
        int subscribeLookback,
        int subscribeMax,
        Duration subscribeGrantRefresh,
        EmbeddingSettings embedding,
        RateLimits rateLimits,
        HttpServerSettings http,
        int maxBodyBytes,
        int maxJsonTokens,
        int bodyBudgetBytes,
        Duration bodyBudgetWait,
        Duration statementTimeout,
        int searchEmbedQueue,
        Map<Role, Integer> subscribeMaxPerAgent,
        IdentityFollowerSettings identities,
        ManagementPort management) {

    public QueryConfig {
        replicaUrls = List.copyOf(replicaUrls);
    }

    public static QueryConfig fromEnv(Map<String, String> env) {
        EnvReader r = new EnvReader(env);
        QueryConfig config = new QueryConfig(
                r.string("KYOYU_QUERY_HOST", "127.0.0.1"),
                r.port("KYOYU_QUERY_PORT", 8081),
                DatabaseSettings.read(r),
                r.integer("KYOYU_QUERY_POOL_SIZE", 8, 1, 200),
                replicaUrls(r),
                r.duration("KYOYU_QUERY_REPLICA_MAX_LAG", Duration.ofSeconds(5)),
                TokenKeys.verifying(r),
                r.integer("KYOYU_QUERY_MAX_EVENTS_PER_PAGE", 10_000, 1, 1_000_000),
                r.integer("KYOYU_QUERY_MAX_RESULTS", 1000, 1, 10_000),
                r.integer("KYOYU_SEARCH_MAX_RESULTS", 100, 1, 1000),
                r.integer("KYOYU_SEARCH_EF_SEARCH", SearchTuning.DEFAULT_EF_SEARCH, 1, 1000),
                r.integer("KYOYU_SEARCH_EXACT_MAX_ROWS", SearchTuning.DEFAULT_EXACT_MAX_ROWS, 0, 10_000_000),
                r.integer("KYOYU_SEARCH_EMBED_THREADS", 2, 1, 64),
                r.required("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:59092"),
                r.string("KYOYU_DECISIONS_TOPIC", Topics.DECISIONS),
                r.string("KYOYU_CONFLICTS_TOPIC", Topics.CONFLICTS),
                r.duration("KYOYU_SUBSCRIBE_HEARTBEAT", Duration.ofSeconds(15)),
                r.integer("KYOYU_SUBSCRIBE_QUEUE_CAPACITY", 1000, 1, 1_000_000),
                r.integer("KYOYU_SUBSCRIBE_RESUME_LOOKBACK", 10_000, 0, 10_000_000),
                r.integer("KYOYU_SUBSCRIBE_MAX_SUBSCRIBERS", 1000, 1, 100_000),
                r.duration("KYOYU_SUBSCRIBE_GRANT_REFRESH", Duration.ofSeconds(5)),
                EmbeddingSettings.read(r),
                RateLimits.read(r, Map.of(
                        Limit.QUERIES, new RoleDefaults("6000/m", "60000/m", "6000/m"),
                        Limit.SEARCHES, new RoleDefaults("600/m", "6000/m", "600/m"))),
                HttpServerSettings.read(r),
                r.integer("KYOYU_QUERY_MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
                r.integer("KYOYU_QUERY_MAX_JSON_TOKENS", 100_000, 1000, 10_000_000),
                r.integer("KYOYU_QUERY_BODY_BUDGET_BYTES", 16 * 1024 * 1024, 64 * 1024, Integer.MAX_VALUE),
                r.duration("KYOYU_QUERY_BODY_BUDGET_WAIT", Duration.ofSeconds(2)),
                r.duration("KYOYU_QUERY_STATEMENT_TIMEOUT", Duration.ofSeconds(5)),
                r.integer("KYOYU_SEARCH_EMBED_QUEUE", 32, 0, 10_000),
                new RoleDefaults("5", "50", "5").readIntegers(r, "KYOYU_SUBSCRIBE_MAX_PER_AGENT", 1, 100_000),
                IdentityFollowerSettings.read(r),
                ManagementPort.read(r, "KYOYU_QUERY_MANAGEMENT_PORT"));
        within(r, "KYOYU_SUBSCRIBE_GRANT_REFRESH", config.subscribeGrantRefresh(), Duration.ofMillis(100), Duration.ofSeconds(30));
        within(r, "KYOYU_QUERY_STATEMENT_TIMEOUT", config.statementTimeout(), Duration.ofMillis(1), Duration.ofMinutes(10));
        if (config.decisionsTopic().equals(config.conflictsTopic())) {
            r.problem("KYOYU_DECISIONS_TOPIC and KYOYU_CONFLICTS_TOPIC must differ");
        }
        if (config.replicaMaxLag().compareTo(Duration.ofMillis(100)) < 0 || config.replicaMaxLag().compareTo(Duration.ofHours(1)) > 0) {
            r.problem("KYOYU_QUERY_REPLICA_MAX_LAG=" + config.replicaMaxLag() + " is outside 100ms..1h");
        }
        if (config.database().url() != null && config.replicaUrls().contains(config.database().url())) {
            r.problem("KYOYU_QUERY_REPLICA_URLS names the primary (KYOYU_PG_URL) as a replica");
        }
        r.finish();
        return config;
    }

    private static void within(EnvReader r, String name, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            r.problem(name + "=" + value + " is outside " + min + ".." + max);
        }
    }

    /** {@code jdbc:postgresql://replica-1:5432/kyoyu,jdbc:postgresql://replica-2:5432/kyoyu}; unset or blank: none. */
    private static List<String> replicaUrls(EnvReader r) {
        String raw = r.string("KYOYU_QUERY_REPLICA_URLS", "");
        List<String> urls = new ArrayList<>();
        if (raw.isEmpty()) {
            return urls;
        }
        Set<String> seen = new HashSet<>();
        String[] parts = raw.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            String url = parts[i].strip();
            if (!url.startsWith("jdbc:postgresql://")) {
                // Not echoed: a URL may carry a password.
                r.problem("KYOYU_QUERY_REPLICA_URLS: entry " + (i + 1) + " is not a jdbc:postgresql:// URL");
            } else if (!seen.add(url)) {
                r.problem("KYOYU_QUERY_REPLICA_URLS: entry " + (i + 1) + " repeats an earlier one");
            } else {
                urls.add(url);
            }
        }
        return List.copyOf(urls);
    }
}
