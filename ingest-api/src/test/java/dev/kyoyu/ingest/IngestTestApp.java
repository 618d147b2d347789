package dev.kyoyu.ingest;

import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTokens;
import java.util.HashMap;
import java.util.Map;

/** Starts an ingest API in the test JVM on a free port, the real broker, the test secrets and token keys, plus a test's own settings. */
final class IngestTestApp {
    private IngestTestApp() {
    }

    static IngestApp start(String topic, Map<String, String> settings) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KYOYU_INGEST_PORT", "0",
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", topic,
                "KYOYU_ID_SECRET", TestSecrets.ID,
                "KYOYU_IDENTITIES_TOPIC", ServiceEnv.identitiesTopic()));
        env.putAll(TestTokens.env());
        env.putAll(settings);
        return IngestApp.start(IngestConfig.fromEnv(env));
    }
}
