package dev.kyoyu.query;

import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.auth.Tokens;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Starts query-api the way QueryMain does, on the test's own database (and topics, when given), and mints tokens. */
final class QueryTestApp {
    private static final Tokens TOKENS = new Tokens(new Secret(TestSecrets.JWT), Duration.ofMinutes(10), Clock.systemUTC());

    private QueryTestApp() {
    }

    static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_QUERY_PORT", "0");
        env.put("KYOYU_PG_URL", db.url());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        env.put("KYOYU_JWT_SECRET", TestSecrets.JWT);
        env.put("KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap());
        env.put("KYOYU_IDENTITIES_TOPIC", ServiceEnv.identitiesTopic());
        return env;
    }

    static QueryApp start(TestDatabase db) {
        return QueryApp.start(QueryConfig.fromEnv(env(db)));
    }

    static String token(String agentId) {
        return token(agentId, Role.AGENT);
    }

    static String token(String agentId, Role role) {
        return TOKENS.issue(new Caller(agentId, role)).token();
    }

    /**
     * Whether a token minted here keeps its role when verified. The HS256 tokens of this branch carry only an admin
     * flag, so a reader's token reads back as an agent's; the ES256 tokens (TestTokens) carry the role.
     */
    static boolean tokensCarryRoles() {
        return TOKENS.verify(token("role-probe", Role.READER)).map(Caller::role).orElse(null) == Role.READER;
    }

    /** A well-formed token this query-api did not issue (signed with another key). */
    static String forgedToken(String agentId) {
        return new Tokens(new Secret("not-the-signing-secret-of-this-test-stack"), Duration.ofMinutes(10), Clock.systemUTC())
                .issue(new Caller(agentId, Role.ADMIN)).token();
    }

    static String adminToken() {
        return TOKENS.issue(new Caller("ops", Role.ADMIN)).token();
    }
}
