package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.AgentRecord;
import dev.kyoyu.schemas.identity.IdentityJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A subscription outlives the request that opened it, so revoking its caller must end it too: the token is re-judged
 * against the identity view at every scope refresh (KYOYU_SUBSCRIBE_GRANT_REFRESH).
 */
class SubscriptionRevocationIT {
    private static final Duration REFRESH = Duration.ofMillis(300);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestDatabase db;
    private static QueryApp app;
    private static String identities;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_DECISIONS_TOPIC", TestTopics.create("decisions", 1));
        env.put("KYOYU_CONFLICTS_TOPIC", TestTopics.create("conflicts", 1));
        env.put("KYOYU_SUBSCRIBE_GRANT_REFRESH", REFRESH.toMillis() + "ms");
        identities = env.get("KYOYU_IDENTITIES_TOPIC");
        app = QueryApp.start(QueryConfig.fromEnv(env));
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    @Test
    @DisplayName("revoking the subscriber's agent ends its open subscription with access_revoked within the refresh interval plus delivery")
    void revokingTheCallerEndsItsSubscription() throws Exception {
        String agent = "sub-revoked";
        try (SseClient client = SseClient.connect(app.port(), "/v1/subscribe", QueryTestApp.token(agent), null)) {
            assertEquals(200, client.status());
            Instant now = Instant.now();
            long revokedAt = System.nanoTime();
            TestTopics.send(identities, "agent/" + agent,
                    IdentityJson.toBytes(new AgentRecord(agent, Role.AGENT, true, now, now, now, "admin")));

            SseClient.Event event = client.next(WAIT);
            Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
            assertNotNull(event, "the subscription was still open " + WAIT + " after the revocation");
            assertEquals("end", event.name(), event::toString);
            assertEquals("access_revoked", EventJson.MAPPER.readTree(event.data()).path("reason").asText());
            assertTrue(took.compareTo(REFRESH.plusSeconds(5)) < 0, "the subscription ended only after " + took);
        }
    }
}
