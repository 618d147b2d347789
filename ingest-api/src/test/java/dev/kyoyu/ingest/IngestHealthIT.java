package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.service.http.HealthChecks;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestSecrets;
import dev.kyoyu.testsupport.TestTopics;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** ingest-api's /health: ready only while its broker answers and every added check is ready; no secret on it. */
class IngestHealthIT {

    @Test
    @DisplayName("/health is 200 while the broker answers, 503 while a check another part added is not ready, and shows no secret")
    void readyWhileTheBrokerAnswersAndEveryCheckIs() {
        AtomicBoolean caughtUp = new AtomicBoolean(false);
        try (IngestApp app = IngestTestApp.start(TestTopics.create("health", 1), Map.of())) {
            app.health().add("probe", () -> caughtUp.get()
                    ? HealthChecks.Result.ready("caught up") : HealthChecks.Result.notReady("catching up"));
            HttpJson http = new HttpJson(app.port());
            HttpJson.Response waiting = http.get("/health", null);
            assertEquals(503, waiting.status(), waiting.raw().body());
            assertTrue(waiting.data().path("checks").path("kafka").asText().startsWith("ok"), waiting.raw().body());
            assertEquals("catching up", waiting.data().path("checks").path("probe").asText());

            caughtUp.set(true);
            HttpJson.Response ready = http.get("/health", null);
            assertEquals(200, ready.status(), ready.raw().body());
            for (String secret : new String[] {TestSecrets.ID, TestTokens.PRIMARY.signingSetting().split(":", 2)[1]}) {
                assertFalse(ready.raw().body().contains(secret), "a secret is on /health: " + ready.raw().body());
            }
        }
    }

    @Test
    @DisplayName("/health is 503 naming Kafka while no broker can be reached, and /health/live still 200")
    void notReadyWithoutABroker() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (IngestApp app = IngestTestApp.start("health-nobroker", Map.of("KYOYU_KAFKA_BOOTSTRAP", "127.0.0.1:" + closedPort, "KYOYU_IDENTITY_STARTUP_WAIT", "1s"))) {
            HttpJson http = new HttpJson(app.port());
            Await.until(Duration.ofSeconds(15), "/health answering 503 for Kafka", () -> {
                HttpJson.Response health = http.get("/health", null);
                return health.status() == 503 && health.data().path("checks").path("kafka").asText().startsWith("unreachable");
            });
            assertEquals(200, http.get("/health/live", null).status());
        }
    }
}
