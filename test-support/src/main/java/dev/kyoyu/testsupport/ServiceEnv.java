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
        env.put("KYOYU_API_KEY_SECRET", TestSecrets.API_KEY);
        env.put("KYOYU_ID_SECRET", TestSecrets.ID);
        return env;
    }
}
