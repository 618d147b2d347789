package dev.kyoyu.testsupport;

import java.util.HashMap;
import java.util.Map;

/**
 * The environment the services read their configuration from, pointed at this test's own database
 * and topics on the real stack, with random HTTP ports. Tests add or override what they exercise.
 */
public final class ServiceEnv {
    private ServiceEnv() {
    }

    public static Map<String, String> of(TestDatabase db, String topic, String deadLetterTopic) {
        Map<String, String> env = new HashMap<>();
        env.put("KYOYU_INGEST_PORT", "0");
        env.put("KYOYU_QUERY_PORT", "0");
        env.put("KYOYU_SINK_PORT", "0");
        env.put("KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap());
        env.put("KYOYU_EVENTS_TOPIC", topic);
        env.put("KYOYU_EVENTS_DLQ_TOPIC", deadLetterTopic);
        env.put("KYOYU_SINK_GROUP", "sink-" + topic);
        env.put("KYOYU_PG_URL", db.url());
        env.put("KYOYU_PG_USER", TestStack.pgUser());
        env.put("KYOYU_PG_PASSWORD", TestStack.pgPassword());
        env.putAll(TestTokens.env());
        env.put("KYOYU_ID_SECRET", TestSecrets.ID);
        env.put("KYOYU_IDENTITIES_TOPIC", identitiesTopic());
        return env;
    }

    /**
     * Points the services at this test's own identity topic, and has the sink materialize it into PostgreSQL
     * (agents, API keys, role token floors, access grants) as {@code ./kyoyu up} does.
     */
    public static Map<String, String> withIdentities(Map<String, String> env, String identitiesTopic) {
        env.put("KYOYU_IDENTITIES_TOPIC", identitiesTopic);
        env.put("KYOYU_SINK_IDENTITIES", "true");
        return env;
    }

    /**
     * A fresh identity topic name: a test's revocations must not reach another test's replicas. The services create
     * the topic when they start; the processes one test starts from one env share it.
     */
    public static String identitiesTopic() {
        return "test.identities." + java.util.UUID.randomUUID().toString().substring(0, 8);
    }
}
