package dev.kyoyu.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestApp;
import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.query.QueryApp;
import dev.kyoyu.query.QueryConfig;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.ServiceEnv;
import dev.kyoyu.testsupport.TestDatabase;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rotating the token signing key without downtime, through real ingest-api and query-api processes' configuration:
 * publish the new public key beside the old, switch the signing key, and drop the old public key once its tokens
 * are done. Tokens of both keys work while both are trusted; the old key's are refused once it is removed.
 */
class SigningKeyRotationIT {
    private static final TestTokens.Key OLD = TestTokens.Key.generate("rotation-old");
    private static final TestTokens.Key NEW = TestTokens.Key.generate("rotation-new");
    private static final String AGENT = "rotation-" + UUID.randomUUID().toString().substring(0, 6);
    private static TestDatabase db;
    private static Map<String, String> env;
    private IngestApp ingest;
    private QueryApp query;

    @BeforeAll
    static void prepare() {
        db = TestDatabase.create();
        env = ServiceEnv.of(db, TestTopics.create("rotation", 1), TestTopics.create("rotation-dlq", 1));
    }

    @AfterAll
    static void cleanUp() {
        db.close();
    }

    @AfterEach
    void stopServices() {
        stop();
    }

    /** Both APIs (re)started on the same topics and database, ingest signing with {@code signing}, both trusting {@code trusted}. */
    private void restart(TestTokens.Key signing, TestTokens.Key... trusted) {
        stop();
        Map<String, String> settings = new HashMap<>(env);
        settings.putAll(TestTokens.env(signing, trusted));
        ingest = IngestApp.start(IngestConfig.fromEnv(settings));
        query = QueryApp.start(QueryConfig.fromEnv(settings));
    }

    private void stop() {
        if (ingest != null) {
            ingest.close();
            ingest = null;
        }
        if (query != null) {
            query.close();
            query = null;
        }
    }

    /** Whether both APIs honour the token: ingest starts a run, query looks up a run (404: authenticated, not found). */
    private void assertAccepted(String token, String which) {
        HttpJson.Response run = new HttpJson(ingest.port()).postJson("/v1/runs", token, Map.of());
        assertEquals(201, run.status(), which + " at ingest-api: " + run.raw().body());
        HttpJson.Response lookup = new HttpJson(query.port()).get("/v1/runs/" + UUID.randomUUID(), token);
        assertEquals(404, lookup.status(), which + " at query-api: " + lookup.raw().body());
    }

    private void assertRefused(String token, String which) {
        HttpJson.Response run = new HttpJson(ingest.port()).postJson("/v1/runs", token, Map.of());
        assertEquals(401, run.status(), which + " at ingest-api: " + run.raw().body());
        assertTrue(run.error().path("message").asText().contains("not signed by a key this API trusts"), run.raw().body());
        HttpJson.Response lookup = new HttpJson(query.port()).get("/v1/runs/" + UUID.randomUUID(), token);
        assertEquals(401, lookup.status(), which + " at query-api: " + lookup.raw().body());
    }

    @Test
    void tokensOfTheOldAndNewKeyAreBothAcceptedWhileBothAreTrustedAndTheOldIsRefusedOnceRemoved() {
        restart(OLD, OLD);
        String oldToken = OLD.token(AGENT, Role.AGENT);
        assertAccepted(oldToken, "the old key's token before the rotation");
        assertRefused(NEW.token(AGENT, Role.AGENT), "the new key's token before its public key is published");

        // 1. Publish the new public key everywhere, still signing with the old one.
        restart(OLD, OLD, NEW);
        assertAccepted(oldToken, "the old key's token after the new public key is published");

        // 2. Switch the signing key: tokens of the old key are still in flight, the new key's are issued.
        restart(NEW, NEW, OLD);
        String newToken = NEW.token(AGENT, Role.AGENT);
        assertAccepted(oldToken, "the old key's token in flight after the switch");
        assertAccepted(newToken, "the new key's token");

        // 3. Once the old key's tokens have expired, drop its public key.
        restart(NEW, NEW);
        assertRefused(oldToken, "the old key's token after its key is removed");
        assertAccepted(newToken, "the new key's token after the old key is removed");
    }
}
