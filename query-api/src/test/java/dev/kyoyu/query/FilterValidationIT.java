package dev.kyoyu.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client mistakes in filters, as a buggy or hostile agent sends them, against the real query-api and PostgreSQL:
 * each is a 400 INVALID_INPUT whose details.field names the value, never a 500 from the database or the JDBC
 * driver (NUL in text, null in an array, times PostgreSQL or epoch milliseconds cannot hold).
 */
class FilterValidationIT {
    private static final String[] FAR_TIMES = {"+295000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z",
            "-999999999-01-01T00:00:00Z", "1899-12-31T23:59:59Z"};
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        DecisionRows.decision("filter-agent", "loan_approval", "approve").insert(db);
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static void assertNamed(HttpJson.Response response, String field) {
        assertNamed(response.status(), response.raw().body(), field);
    }

    private static void assertNamed(int status, String body, String field) {
        assertEquals(400, status, body);
        JsonNode error;
        try {
            error = EventJson.MAPPER.readTree(body).path("error");
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + body, e);
        }
        assertEquals("INVALID_INPUT", error.path("code").asText(), body);
        assertEquals(field, error.path("details").path("field").asText(), body);
        assertFalse(body.contains("Exception"), body);
    }

    private static HttpJson.Response post(String path, String json) {
        return http.post(path, QueryTestApp.token("filter-agent"), "application/json", json);
    }

    /** GET that never waits on an open event stream: a subscription accepted by mistake is read no further. */
    private static void assertGetNamed(String pathAndQuery, String field) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(http.baseUrl() + pathAndQuery))
                .header("Authorization", "Bearer " + QueryTestApp.token("filter-agent")).timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() == 200) {
                throw new AssertionError("200 for " + pathAndQuery);
            }
            assertNamed(response.statusCode(), new String(body.readAllBytes(), StandardCharsets.UTF_8), field);
        }
    }

    private static String enc(String raw) {
        return URLEncoder.encode(raw, StandardCharsets.UTF_8);
    }

    static Stream<Arguments> badBodies() {
        Stream.Builder<Arguments> cases = Stream.builder();
        for (String path : new String[] {"/v1/query", "/v1/query/temporal"}) {
            String asOf = path.endsWith("temporal") ? "\"as_of\": \"2026-01-01T00:00:00Z\", " : "";
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"decision_type\": \"loan\\u0000x\"}}", "filters.decision_type"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"outcome\": [\"ok\", \"a\\u0000b\"]}}", "filters.outcome[1]"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"outcome\": \"\\ud800\"}}", "filters.outcome"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"run_id\": \"\\u0000\"}}", "filters.run_id"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"decision_type\": [\"loan\", null]}}", "filters.decision_type[1]"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"agent_id\": [null]}}", "filters.agent_id[0]"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"outcome\": [null, \"x\"]}}", "filters.outcome[0]"));
            cases.add(Arguments.of(path, "{" + asOf + "\"include\": [null]}", "include[0]"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"decision_type\": []}}", "filters.decision_type"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"decision_type\": [" + "\"t\",".repeat(150) + "\"t\"]}}",
                    "filters.decision_type"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"run_id\": \"0-0-0-0-0\"}}", "filters.run_id"));
            cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"confidence_min\": 1e400}}", "filters.confidence_min"));
            cases.add(Arguments.of(path, "{" + asOf + "\"offset\": -1}", "offset"));
            cases.add(Arguments.of(path, "{" + asOf + "\"limit\": 99999999999999999999}", "limit"));
            for (String time : FAR_TIMES) {
                cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"time_range\": {\"from\": \"" + time + "\"}}}",
                        "filters.time_range.from"));
                cases.add(Arguments.of(path, "{" + asOf + "\"filters\": {\"time_range\": {\"to\": \"" + time + "\"}}}",
                        "filters.time_range.to"));
            }
        }
        for (String time : FAR_TIMES) {
            cases.add(Arguments.of("/v1/query/temporal", "{\"as_of\": \"" + time + "\"}", "as_of"));
            cases.add(Arguments.of("/v1/query/temporal", "{\"as_of\": \"2026-01-01T00:00:00Z\", \"valid_at\": \"" + time + "\"}", "valid_at"));
        }
        cases.add(Arguments.of("/v1/search", "{\"query\": \"a\\u0000b\"}", "query"));
        cases.add(Arguments.of("/v1/search", "{\"query\": \"loan\", \"filters\": {\"outcome\": [null]}}", "filters.outcome[0]"));
        cases.add(Arguments.of("/v1/search", "{\"query\": \"loan\", \"filters\": {\"time_range\": {\"from\": \"+295000-01-01T00:00:00Z\"}}}",
                "filters.time_range.from"));
        return cases.build();
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("badBodies")
    void badFilterValuesInABodyAre400NamingTheField(String path, String json, String field) {
        assertNamed(post(path, json), field);
    }

    static Stream<Arguments> badParams() {
        Stream.Builder<Arguments> cases = Stream.builder();
        String history = "/v1/agents/filter-agent/history";
        for (String base : new String[] {history, "/v1/conflicts"}) {
            for (String time : FAR_TIMES) {
                cases.add(Arguments.of(base + "?from=" + enc(time), "from"));
                cases.add(Arguments.of(base + "?to=" + enc(time), "to"));
            }
            cases.add(Arguments.of(base + "?decision_type=" + enc("loan\u0000"), "decision_type"));
            cases.add(Arguments.of(base + "?decision_type=" + "t".repeat(300), "decision_type"));
            cases.add(Arguments.of(base + "?limit=NaN", "limit"));
            cases.add(Arguments.of(base + "?offset=-5", "offset"));
            cases.add(Arguments.of(base + "?limit=99999999999999999999", "limit"));
        }
        cases.add(Arguments.of(history + "?include=" + enc("evidence,\u0000"), "include"));
        cases.add(Arguments.of("/v1/conflicts?agent_id=" + enc("a\u0000"), "agent_id"));
        cases.add(Arguments.of("/v1/runs/" + enc("0-0-0-0-0"), "run_id"));
        cases.add(Arguments.of("/v1/runs/00000000-0000-0000-0000-000000000000?after=" + enc("1\u0000"), "after"));
        cases.add(Arguments.of("/v1/runs/00000000-0000-0000-0000-000000000000?after=1&limit=1&evil=1", "evil"));
        cases.add(Arguments.of("/v1/subscribe?decision_type=" + enc("x\u0000"), "decision_type"));
        cases.add(Arguments.of("/v1/subscribe?confidence_min=NaN", "confidence_min"));
        cases.add(Arguments.of("/v1/subscribe?agent_id=filter-agent" + "&agent_id=filter-agent".repeat(100), "agent_id"));
        return cases.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badParams")
    void badQueryParametersAre400NamingTheParameter(String pathAndQuery, String field) throws Exception {
        assertGetNamed(pathAndQuery, field);
    }

    @Test
    void timesAtTheEdgesOfTheWindowAreAccepted() {
        HttpJson.Response edges = post("/v1/query", "{\"filters\": {\"time_range\": {\"from\": \"1900-01-01T00:00:00Z\","
                + " \"to\": \"9999-12-31T23:59:59Z\"}}}");
        assertEquals(200, edges.status(), edges.raw().body());
        assertEquals(1, edges.data().path("total").asInt());
        HttpJson.Response temporal = post("/v1/query/temporal", "{\"as_of\": \"9999-12-31T23:59:59Z\"}");
        assertEquals(200, temporal.status(), temporal.raw().body());
        assertEquals(200, http.get("/v1/conflicts?from=1900-01-01T00:00:00Z&to=9999-12-31T00:00:00Z",
                QueryTestApp.token("filter-agent")).status());
    }
}
