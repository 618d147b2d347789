package dev.kyoyu.ingest.admin.cli;

import dev.kyoyu.testsupport.TestTokens;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.ingest.IngestConfig;
import dev.kyoyu.ingest.admin.ApiKeyText;
import dev.kyoyu.schemas.identity.ApiKeyRecord;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.identity.IdentityFollower;
import dev.kyoyu.service.identity.IdentityView;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestStack;
import dev.kyoyu.testsupport.TestTopics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first admin, made once on a fresh identity topic, and a lost admin key replaced. */
class BootstrapAdminIT {
    @TempDir
    Path home;

    @Test
    void theFirstRunMakesTheAdminOnceAndRotateReplacesItsKey() throws Exception {
        String identities = "test.bootstrap-identities." + UUID.randomUUID().toString().substring(0, 8); // created by the bootstrap
        IngestConfig config = IngestConfig.fromEnv(TestTokens.env(Map.of(
                "KYOYU_KAFKA_BOOTSTRAP", TestStack.kafkaBootstrap(),
                "KYOYU_EVENTS_TOPIC", TestTopics.create("bootstrap-events", 1),
                "KYOYU_IDENTITIES_TOPIC", identities,
                "KYOYU_ID_SECRET", TestSecrets.ID)));
        Path keyFile = home.resolve("admin-api-key");

        assertEquals(0, BootstrapAdmin.run(config, keyFile, false));
        String key = Files.readString(keyFile).strip();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        IdentityView view = readTopic(config);
        assertEquals(Role.ADMIN, view.agent("admin").orElseThrow().role());
        ApiKeyRecord stored = view.key(ApiKeyText.keyId(key).orElseThrow()).orElseThrow();
        assertEquals(ApiKeyText.sha256(key), stored.sha256());

        assertEquals(0, BootstrapAdmin.run(config, keyFile, false), "a later run has nothing to do");
        assertEquals(key, Files.readString(keyFile).strip(), "and leaves the key alone");
        assertEquals(1, readTopic(config).keysOf("admin").size());

        assertEquals(0, BootstrapAdmin.run(config, keyFile, true));
        String rotated = Files.readString(keyFile).strip();
        assertNotEquals(key, rotated);
        IdentityView after = readTopic(config);
        assertTrue(after.key(ApiKeyText.keyId(rotated).orElseThrow()).orElseThrow().usableAt(Instant.now()));
        assertTrue(!after.key(stored.keyId()).orElseThrow().usableAt(Instant.now().plusMillis(1)), "the lost key ends at once");
    }

    /** The topic read to its end, as a replica starting now would see it. */
    private static IdentityView readTopic(IngestConfig config) {
        IdentityView view = IdentityFollower.readOnce(config.kafkaBootstrap(), config.identities());
        return view;
    }
}
