package dev.kyoyu.query;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.TokenKeys;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import java.util.HashMap;
import java.util.Map;

/** Starts query-api the way QueryMain does, on the test's own database (and topics, when given), and mints tokens. */
final class QueryTestApp {
    private QueryTestApp() {
    }

    static Map<String, String> env(TestDatabase db) {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_QUERY_PORT", "0");
        env.put("KYOYU_PG_URL", db.url());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        env.put(TokenKeys.VERIFY_KEYS, TestTokens.verifySettings(TestTokens.PRIMARY));
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
        return TestTokens.token(agentId, role);
    }

    /** A well-formed token this query-api does not trust: signed with a key outside its verify keys. */
    static String forgedToken(String agentId) {
        return TestTokens.SECOND.token(agentId, Role.ADMIN);
    }

    static String adminToken() {
        return TestTokens.token("ops", Role.ADMIN);
    }
}
