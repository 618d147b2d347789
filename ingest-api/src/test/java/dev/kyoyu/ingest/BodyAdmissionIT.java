package dev.kyoyu.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestTokens;
import dev.kyoyu.testsupport.TestTopics;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request bodies share a fixed memory budget: a client cannot make the ingest API hold more. */
class BodyAdmissionIT {
    @Test
    void answers503WithRetryAfterWhileTheBodyBudgetIsTakenAndAcceptsOnceFreed() throws Exception {
        try (IngestApp app = IngestTestApp.start(TestTopics.create("admission", 1), Map.of(
                "KYOYU_INGEST_BODY_BUDGET_BYTES", "65536",
                "KYOYU_INGEST_BODY_BUDGET_WAIT", "200ms"))) {
            HttpJson http = new HttpJson(app.port());
            String token = TestTokens.token("admitted", Role.AGENT);
            HttpJson.Response run = http.postJson("/v1/runs", token, Map.of());
            assertEquals(201, run.status(), run.raw().body());
            String path = "/v1/runs/" + run.data().path("id").asText() + "/events";
            Map<String, Object> small = Map.of("events", List.of(Map.of("event_type", "Ok", "payload", Map.of("pad", "x".repeat(9000)))));

            // A slow client announces a 60,000-byte body and sends ten bytes of it.
            try (Socket slow = new Socket("127.0.0.1", app.port())) {
                OutputStream out = slow.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                        + "\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{\"events\":").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Await.until(Duration.ofSeconds(10), "the slow request holds its share of the budget",
                        () -> http.get("/metrics", null).raw().body().lines()
                                .anyMatch(l -> l.startsWith("kyoyu_ingest_body_budget_used_bytes") && !l.endsWith(" 0.0")));

                HttpJson.Response refused = http.postJson(path, token, small);
                assertEquals(503, refused.status(), refused.raw().body());
                assertEquals("UNAVAILABLE", refused.error().path("code").asText());
                assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent());
            }
            Await.until(Duration.ofSeconds(10), "the budget is free again once the slow client is gone",
                    () -> http.postJson(path, token, small).status() == 202);
        }
    }
}
