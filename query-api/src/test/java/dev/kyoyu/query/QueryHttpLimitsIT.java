package dev.kyoyu.query;

import static dev.kyoyu.testsupport.RawHttp.concat;
import static dev.kyoyu.testsupport.RawHttp.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Await;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.RawHttp;
import dev.kyoyu.testsupport.TestDatabase;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * query-api's bodies are bounded like ingest's: read only after authentication, under a shared budget, a read
 * timeout and JSON limits; what the server refuses itself is a 4xx in the envelope.
 */
class QueryHttpLimitsIT {
    private static final Duration CUT_OFF = Duration.ofSeconds(10);
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;
    private static RawHttp raw;
    private static String token;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        Map<String, String> env = QueryTestApp.env(db);
        env.put("KYOYU_QUERY_BODY_BUDGET_BYTES", "65536");
        env.put("KYOYU_QUERY_BODY_BUDGET_WAIT", "200ms");
        env.put("KYOYU_QUERY_MAX_JSON_TOKENS", "10000");
        env.put("KYOYU_HTTP_READ_TIMEOUT", "1s");
        env.put("KYOYU_HTTP_IDLE_TIMEOUT", "2s");
        app = QueryApp.start(QueryConfig.fromEnv(env));
        http = HttpJson.connectionPerRequest(app.port());
        raw = new RawHttp(app.port());
        token = QueryTestApp.token("http-limits-reader");
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static void queries() {
        HttpJson.Response answer = http.postJson("/v1/query", token, Map.of());
        assertEquals(200, answer.status(), answer.raw().body());
    }

    private static String authorized(String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization: Bearer " + token;
        all[1] = "Content-Type: application/json";
        System.arraycopy(headers, 0, all, 2, headers.length);
        return head("POST", "/v1/query", all);
    }

    @Test
    void anUnauthenticatedQueryIs401BeforeItsBodyIsReadAndItsConnectionIsClosed() throws Exception {
        try (Socket socket = raw.open()) {
            socket.getOutputStream().write(head("POST", "/v1/query", "Content-Type: application/json", "Content-Length: 60000")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            RawHttp.read(socket).assertError(401, "UNAUTHORIZED");
            assertTrue(RawHttp.closedWithin(socket, CUT_OFF), "the server does not wait for a body it will not read");
        }
        queries();
    }

    @Test
    void aSlowQueryHoldsTheBodyBudgetOnlyUntilTheReadTimeoutCutsItOff() throws Exception {
        try (Socket slow = raw.open()) {
            OutputStream out = slow.getOutputStream();
            out.write((authorized("Content-Length: 60000") + "{\"filters\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Await.until(CUT_OFF, "the slow query holds its share of the budget",
                    () -> http.get("/metrics", null).raw().body().lines()
                            .anyMatch(l -> l.startsWith("kyoyu_query_body_budget_used_bytes") && !l.endsWith(" 0.0")));
            HttpJson.Response refused = http.post("/v1/query", token, "application/json", "{\"filters\":{}, \"limit\": 10}"
                    + " ".repeat(10_000));
            assertEquals(503, refused.status(), refused.raw().body());
            assertEquals("UNAVAILABLE", refused.error().path("code").asText());
            assertTrue(refused.raw().headers().firstValue("Retry-After").isPresent());
            assertTrue(RawHttp.closedWithin(slow, CUT_OFF), "the read timeout ends the stalled upload");
        }
        Await.until(CUT_OFF, "the budget is free again", () -> http.postJson("/v1/query", token, Map.of()).status() == 200);
    }

    @Test
    void brokenFramingIs400AndNeverA500() throws Exception {
        raw.exchange(authorized("Transfer-Encoding: chunked") + "zz\r\n{}\r\n0\r\n\r\n").assertError(400, "INVALID_INPUT");
        try (Socket socket = raw.open()) {
            socket.getOutputStream().write((authorized("Content-Length: 100") + "{\"filters\":").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            RawHttp.Response answer = RawHttp.read(socket);
            assertNotEquals(500, answer.status(), answer.body());
            if (answer.status() > 0) {
                answer.assertError(400, "INVALID_INPUT");
            }
        }
        raw.exchange(authorized("Content-Length: abc") + "{}").assertError(400, "INVALID_INPUT");
        raw.exchange(authorized("Content-Length: 99999999") + "{}").assertError(413, "PAYLOAD_TOO_LARGE");
        queries();
    }

    @Test
    void invalidUtf8DeepNestingAndTooManyTokensAre400NamingTheProblem() throws Exception {
        byte[] utf8 = concat("{\"filters\":{\"outcome\":\"", new byte[] {(byte) 0xff, '"', '}', '}'});
        raw.exchange(concat(authorized("Content-Length: " + utf8.length), utf8)).assertError(400, "INVALID_INPUT");

        String deep = "{\"filters\":" + "[".repeat(100) + "]".repeat(100) + "}";
        RawHttp.Response tooDeep = raw.exchange(authorized("Content-Length: " + deep.length()) + deep).assertError(400, "INVALID_INPUT");
        assertTrue(tooDeep.message().contains("32 levels"), tooDeep.body());

        String many = "{\"filters\":{\"outcome\":[" + "\"a\",".repeat(20_000) + "\"a\"]}}";
        RawHttp.Response tooMany = raw.exchange(authorized("Content-Length: " + many.length()) + many).assertError(400, "INVALID_INPUT");
        assertTrue(tooMany.message().contains("10000 tokens"), tooMany.body());
        queries();
    }

    @Test
    void whatTheServerRefusesBeforeRoutingCarriesTheEnvelope() throws Exception {
        raw.exchange(head("GET", "/v1/conflicts?q=%zz", "Authorization: Bearer " + token)).assertError(400, "INVALID_INPUT");
        raw.exchange(head("GET", "/a b")).assertError(400, "INVALID_INPUT");
        raw.exchange(head("GET", "/health?q=" + "a".repeat(5_000))).assertError(414, "URI_TOO_LONG");
        RawHttp.Response bigHeader = raw.exchange(head("GET", "/health", "X-Big: " + "a".repeat(40_000)));
        bigHeader.assertError(bigHeader.status(), bigHeader.status() == 431 ? "HEADERS_TOO_LARGE" : "INVALID_INPUT");
        try (Socket stalled = raw.open(); Socket silent = raw.open()) {
            stalled.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            stalled.getOutputStream().flush();
            assertTrue(RawHttp.closedWithin(stalled, CUT_OFF), "headers that stop arriving end the connection");
            assertTrue(RawHttp.closedWithin(silent, CUT_OFF), "a connection that never sends a request is closed");
        }
        queries();
    }
}
