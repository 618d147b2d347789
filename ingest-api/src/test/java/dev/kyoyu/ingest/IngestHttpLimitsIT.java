package dev.kyoyu.ingest;

import dev.kyoyu.testsupport.TestTokens;
import static dev.kyoyu.testsupport.RawHttp.concat;
import static dev.kyoyu.testsupport.RawHttp.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import dev.kyoyu.testsupport.RawHttp;
import dev.kyoyu.testsupport.TestTopics;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Before a caller is authenticated it costs only a small, fixed amount, and what the HTTP server itself refuses
 * (framing, request line, headers, sizes, slow clients) is a 4xx in the envelope, never a 500.
 */
class IngestHttpLimitsIT {
    private static final Duration CUT_OFF = Duration.ofSeconds(10);
    private static IngestApp app;
    private static HttpJson http;
    private static RawHttp raw;
    private static String token;

    @BeforeAll
    static void start() {
        app = IngestTestApp.start(TestTopics.create("http-limits", 1), Map.of(
                "KYOYU_INGEST_BODY_BUDGET_BYTES", "65536",
                "KYOYU_INGEST_BODY_BUDGET_WAIT", "200ms",
                "KYOYU_INGEST_MAX_JSON_TOKENS", "10000",
                "KYOYU_HTTP_READ_TIMEOUT", "1s",
                "KYOYU_HTTP_IDLE_TIMEOUT", "2s"));
        http = HttpJson.connectionPerRequest(app.port());
        raw = new RawHttp(app.port());
        token = TestTokens.token("http-limits", Role.AGENT);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static void startsARun() {
        HttpJson.Response started = http.postJson("/v1/runs", token, Map.of("metadata", Map.of("k", "v")));
        assertEquals(201, started.status(), started.raw().body());
    }

    private static byte[] emptyObjects(int bytes) {
        StringBuilder body = new StringBuilder(bytes + 16).append('[');
        while (body.length() < bytes) {
            body.append("{},");
        }
        return body.append("{}]").toString().getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aTokenRequestOverItsTinyLimitIs413NamingTheLimitAndTheServerKeepsServing() throws Exception {
        byte[] fourMegabytes = emptyObjects(4 * 1024 * 1024);
        RawHttp.Response declared = raw.exchange(concat(head("POST", "/auth/token", "Content-Type: application/json",
                "Content-Length: " + fourMegabytes.length), fourMegabytes));
        declared.assertError(413, "PAYLOAD_TOO_LARGE");
        assertTrue(declared.message().contains("4096"), declared.body());

        // Without a Content-Length the limit is enforced while reading.
        String chunk = Integer.toHexString(fourMegabytes.length) + "\r\n";
        RawHttp.Response chunked = raw.exchange(concat(head("POST", "/auth/token", "Content-Type: application/json",
                "Transfer-Encoding: chunked") + chunk, concat(new String(fourMegabytes, StandardCharsets.US_ASCII), "\r\n0\r\n\r\n".getBytes())));
        chunked.assertError(413, "PAYLOAD_TOO_LARGE");

        http.token("http-limits-keyed", TestAgents.apiKey(http, "http-limits-keyed", Role.AGENT));
        startsARun();
    }

    @Test
    void slowUnauthenticatedUploadsHoldNoBodyBudgetAndAreCutOff() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            // Two would-be token requests announcing nearly the whole body budget and one to a protected route
            // without a token send their headers and stop; a small token request stalls in its body.
            String[] heads = {
                    head("POST", "/auth/token", "Content-Type: application/json", "Content-Length: 60000"),
                    head("POST", "/auth/token", "Content-Type: application/json", "Content-Length: 60000"),
                    head("POST", "/auth/token", "Content-Type: application/json", "Content-Length: 3000"),
                    head("POST", "/v1/runs", "Content-Type: application/json", "Content-Length: 60000")};
            for (String h : heads) {
                Socket socket = raw.open();
                OutputStream out = socket.getOutputStream();
                out.write((h + (h.contains("3000") ? "{\"agent_id\":" : "")).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                slow.add(socket);
            }
            // An authenticated POST with a 30 KB body gets its normal answer meanwhile.
            HttpJson.Response started = http.postJson("/v1/runs", token, Map.of("metadata", Map.of("pad", "x".repeat(30_000))));
            assertEquals(201, started.status(), started.raw().body());

            RawHttp.read(slow.get(0)).assertError(413, "PAYLOAD_TOO_LARGE");
            RawHttp.read(slow.get(3)).assertError(401, "UNAUTHORIZED");
            assertTrue(RawHttp.closedWithin(slow.get(2), CUT_OFF), "a stalled token request is cut off by the read timeout");
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void stalledHeadersAndIdleConnectionsAreCutOff() throws Exception {
        try (Socket stalled = raw.open(); Socket silent = raw.open(); Socket kept = raw.open()) {
            stalled.getOutputStream().write("POST /v1/runs HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            kept.getOutputStream().write(head("GET", "/health").getBytes(StandardCharsets.US_ASCII));
            kept.getOutputStream().flush();
            assertEquals(200, RawHttp.read(kept).status());

            assertTrue(RawHttp.closedWithin(stalled, CUT_OFF), "headers that stop arriving end the connection");
            assertTrue(RawHttp.closedWithin(silent, CUT_OFF), "a connection that never sends a request is closed");
            assertTrue(RawHttp.closedWithin(kept, CUT_OFF), "a keep-alive connection left idle is closed");
        }
        startsARun();
    }

    @Test
    void aBadChunkSizeIs400WithTheEnvelope() throws Exception {
        raw.exchange(head("POST", "/v1/runs", "Authorization: Bearer " + token, "Content-Type: application/json",
                "Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n").assertError(400, "INVALID_INPUT");
        startsARun();
    }

    @Test
    void aBodyShorterThanItsContentLengthIsNeverA500() throws Exception {
        try (Socket socket = raw.open()) {
            socket.getOutputStream().write((head("POST", "/v1/runs", "Authorization: Bearer " + token,
                    "Content-Type: application/json", "Content-Length: 100") + "{\"metadata\":").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            RawHttp.Response answer = RawHttp.read(socket);
            assertNotEquals(500, answer.status(), answer.body());
            if (answer.status() > 0) {
                answer.assertError(400, "INVALID_INPUT");
            }
        }
        startsARun();
    }

    @Test
    void invalidUtf8InAJsonBodyIs400() throws Exception {
        byte[] body = concat("{\"agent_id\":\"", new byte[] {(byte) 0xff, (byte) 0xfe, '"', ',', '"', 'a', '"', ':', '1', '}'});
        raw.exchange(concat(head("POST", "/auth/token", "Content-Type: application/json", "Content-Length: " + body.length), body))
                .assertError(400, "INVALID_INPUT");
        byte[] metadata = concat("{\"metadata\":{\"k\":\"", new byte[] {(byte) 0xc3, '"', '}', '}'});
        raw.exchange(concat(head("POST", "/v1/runs", "Authorization: Bearer " + token, "Content-Type: application/json",
                "Content-Length: " + metadata.length), metadata)).assertError(400, "INVALID_INPUT");
    }

    @Test
    void jsonPastTheDepthOrTokenLimitIs400NamingTheLimit() throws Exception {
        String deep = "{\"metadata\":{\"k\":" + "[".repeat(200) + "]".repeat(200) + "}}";
        RawHttp.Response tooDeep = raw.exchange(head("POST", "/v1/runs", "Authorization: Bearer " + token,
                "Content-Type: application/json", "Content-Length: " + deep.length()) + deep).assertError(400, "INVALID_INPUT");
        assertTrue(tooDeep.message().contains("64 levels"), tooDeep.body());

        String many = "{\"metadata\":{\"k\":" + new String(emptyObjects(30_000), StandardCharsets.US_ASCII) + "}}";
        RawHttp.Response tooMany = raw.exchange(head("POST", "/v1/runs", "Authorization: Bearer " + token,
                "Content-Type: application/json", "Content-Length: " + many.length()) + many).assertError(400, "INVALID_INPUT");
        assertTrue(tooMany.message().contains("10000 tokens"), tooMany.body());
    }

    @Test
    void whatTheServerRefusesBeforeRoutingCarriesTheEnvelope() throws Exception {
        // What is not recognisably HTTP/1.1 at all the server closes without a word; never a 5xx.
        for (String notHttp11 : new String[] {"GARBAGE\r\n\r\n", "GET /health HTTP/1.0\r\n\r\n"}) {
            RawHttp.Response answer = raw.exchange(notHttp11);
            if (answer.status() != -1) {
                answer.assertError(400, "INVALID_INPUT");
            }
        }
        raw.exchange(head("GET", "/health?q=%zz")).assertError(400, "INVALID_INPUT");
        raw.exchange(head("GET", "/a b")).assertError(400, "INVALID_INPUT");
        // Just over the 4096-byte request line limit: much longer and Helidon closes without a word.
        raw.exchange(head("GET", "/health?q=" + "a".repeat(5_000))).assertError(414, "URI_TOO_LONG");
        RawHttp.Response bigHeader = raw.exchange(head("GET", "/health", "X-Big: " + "a".repeat(40_000)));
        assertTrue(bigHeader.status() == 400 || bigHeader.status() == 431, bigHeader.body());
        bigHeader.assertError(bigHeader.status(), bigHeader.status() == 400 ? "INVALID_INPUT" : "HEADERS_TOO_LARGE");
        raw.exchange(head("POST", "/v1/runs", "Authorization: Bearer " + token, "Content-Type: application/json",
                "Content-Length: abc") + "{}").assertError(400, "INVALID_INPUT");
        raw.exchange(head("POST", "/v1/runs", "Authorization: Bearer " + token, "Content-Type: application/json",
                "Content-Length: 99999999999") + "{}").assertError(413, "PAYLOAD_TOO_LARGE");
        startsARun();
    }
}
