package dev.kyoyu.system.hostile;

import static dev.kyoyu.system.hostile.Meta.json;
import static dev.kyoyu.system.hostile.Meta.shown;
import static dev.kyoyu.system.hostile.Meta.url;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.testsupport.RawHttp;
import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestAgents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ingest API's case table: every family of the hostile-input suite, as rows. */
final class IngestCases {
    private final HostileStack s;

    IngestCases(HostileStack stack) {
        this.s = stack;
    }

    List<Endpoint> endpoints() {
        // An agent of its own: making agentA's key now would refuse the tokens minted for agentA before it existed.
        String keyed = s.agentA + "-keyed";
        String key = TestAgents.apiKey(new HttpJson(s.ingest.port()), keyed, Role.AGENT);
        return List.of(
                Endpoint.json("/auth/token", "{\"agent_id\":\"" + keyed + "\",\"api_key\":\"" + key + "\"}"),
                Endpoint.optionalJson("/v1/runs", "{\"metadata\":{\"k\":\"v\"}}"),
                Endpoint.json("/v1/runs/" + s.runA + "/events", "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"k\":\"v\"}}]}"),
                Endpoint.optionalJson("/v1/runs/" + s.runA + "/complete", "{\"status\":\"completed\"}"),
                Endpoint.json("/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"}}"),
                new Endpoint("/v1/events", "application/x-ndjson", "{\"run_id\":\"" + s.runA + "\",\"event_type\":\"ToolCalled\"}\n", false));
    }

    List<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        List<Endpoint> endpoints = endpoints();
        cases.addAll(CommonCases.bodies(endpoints, s.tokenA));
        cases.addAll(CommonCases.protocol("/v1/runs/" + s.runA + "/events", s.tokenA));
        cases.addAll(CommonCases.auth(List.of(), endpoints.subList(1, endpoints.size())));
        cases.addAll(wrongTypes());
        cases.addAll(huge());
        cases.addAll(timestamps());
        cases.addAll(nulAndUnicode());
        cases.addAll(oddIds());
        cases.addAll(metacharacters());
        cases.addAll(crossAgentWrites());
        return cases;
    }

    private String events() {
        return "/v1/runs/" + s.runA + "/events";
    }

    private HostileCase post(String family, String path, String body, Expect expect) {
        return HostileCase.of(family, path + " <- " + shown(body), Endpoint.postJson(path, s.tokenA, body), expect);
    }

    private List<HostileCase> wrongTypes() {
        List<HostileCase> cases = new ArrayList<>();
        for (String body : List.of("{\"events\":{}}", "{\"events\":\"x\"}", "{\"events\":5}", "{\"events\":null}", "{\"events\":[]}",
                "{\"events\":[5]}", "{\"events\":[null]}", "{\"events\":[\"ToolCalled\"]}", "{\"events\":[{\"event_type\":5}]}",
                "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":[1]}]}", "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":\"x\"}]}",
                "{\"events\":[{\"event_type\":\"ToolCalled\",\"occurred_at\":1700000000}]}", "{\"events\":[{\"event_type\":\"ToolCalled\",\"id\":7}]}",
                "{\"events\":[{\"event_type\":\"ToolCalled\",\"run_id\":true}]}", "{\"events\":[{\"event_type\":[\"ToolCalled\"]}]}")) {
            cases.add(post("wrong-types", events(), body, Expect.status(400)));
        }
        for (String decision : List.of("\"x\"", "5", "null", "[]", "{\"decision_type\":5,\"outcome\":\"o\"}", "{\"decision_type\":\"t\",\"outcome\":{}}",
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"confidence\":\"high\"}", "{\"decision_type\":\"t\",\"outcome\":\"o\",\"alternatives\":{}}",
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"evidence\":\"e\"}", "{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":5}",
                "{\"decision_type\":\"t\",\"outcome\":\"o\",\"alternatives\":[{\"label\":1}]}", "{\"decision_type\":\"t\",\"outcome\":\"o\",\"metadata\":[]}")) {
            cases.add(post("wrong-types", "/v1/trace", "{\"decision\":" + decision + "}", Expect.status(400)));
        }
        cases.add(post("wrong-types", "/v1/trace", "{\"run_id\":5,\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"}}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"},\"events\":{}}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/runs", "{\"metadata\":\"x\"}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/runs", "{\"metadata\":[1]}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/runs/" + s.runA + "/complete", "{\"status\":5}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/runs/" + s.runA + "/complete", "{\"status\":\"exploded\"}", Expect.status(400)));
        cases.add(HostileCase.of("wrong-types", "/auth/token with numbers", Endpoint.postJson("/auth/token", null, "{\"agent_id\":5,\"api_key\":6}"),
                Expect.clientError()));
        cases.add(HostileCase.of("wrong-types", "/auth/token with arrays", Endpoint.postJson("/auth/token", null, "{\"agent_id\":[],\"api_key\":{}}"),
                Expect.status(400)));
        return cases;
    }

    private List<HostileCase> huge() {
        List<HostileCase> cases = new ArrayList<>();
        String big = "x".repeat(1_500_000);
        cases.add(post("huge", "/v1/runs", "{\"metadata\":{\"blob\":\"" + big + "\"}}", Expect.status(413)));
        cases.add(post("huge", "/v1/trace", "{\"metadata\":{\"blob\":\"" + big + "\"},\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"}}",
                Expect.status(413)));
        cases.add(HostileCase.of("huge", "POST events, body of 17 MiB (over the 16 MiB body limit)",
                Endpoint.postJson(events(), s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"b\":\"" + "y".repeat(17 << 20) + "\"}}]}"),
                Expect.status(413)));
        cases.add(HostileCase.of("huge", "POST /auth/token, body of 4 MB", Endpoint.postJson("/auth/token", null, "[" + "{},".repeat(1_333_333) + "{}]"),
                Expect.status(413)));
        cases.add(HostileCase.of("huge", "POST /auth/token, agent id of 100 kB",
                Endpoint.postJson("/auth/token", null, "{\"agent_id\":\"" + "a".repeat(100_000) + "\",\"api_key\":\"k\"}"), Expect.clientError()));
        cases.add(post("huge", events(), "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"b\":\"" + "z".repeat(1 << 20) + "\"}}]}",
                Expect.clientError()));
        cases.add(post("huge", events(), "{\"events\":[" + "{\"event_type\":\"ToolCalled\"},".repeat(5000) + "{\"event_type\":\"ToolCalled\"}]}",
                Expect.status(400)));
        cases.add(post("huge", events(), "{\"events\":[{\"event_type\":\"" + "A".repeat(100_000) + "\"}]}", Expect.status(400)));
        cases.add(post("huge", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"" + "o".repeat(200_000) + "\"}}", Expect.clientError()));
        cases.add(post("huge", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\",\"evidence\":["
                + ("{\"content\":\"" + "e".repeat(90_000) + "\"},").repeat(12) + "{\"content\":\"e\"}]}}", Expect.clientError()));
        cases.add(HostileCase.of("huge", "NDJSON line of 2 MB", Endpoint.post("/v1/events", s.tokenA, "application/x-ndjson",
                ("{\"run_id\":\"" + s.runA + "\",\"event_type\":\"ToolCalled\",\"payload\":{\"b\":\"" + "n".repeat(2 << 20) + "\"}}\n")
                        .getBytes(StandardCharsets.UTF_8)), Expect.clientError()));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + s.tokenA);
        headers.put("Content-Type", "application/json");
        headers.put("Idempotency-Key", "k".repeat(10_000));
        cases.add(HostileCase.of("huge", "Idempotency-Key of 10,000 characters",
                RawHttp.request("POST", "/v1/runs", headers, "{}".getBytes(StandardCharsets.UTF_8)), Expect.status(400)));
        return cases;
    }

    private List<HostileCase> timestamps() {
        List<HostileCase> cases = new ArrayList<>();
        for (String t : Meta.BAD_TIMES) {
            cases.add(post("timestamps", events(), "{\"events\":[{\"event_type\":\"ToolCalled\",\"occurred_at\":\"" + t + "\"}]}", Expect.status(400)));
            cases.add(post("timestamps", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\",\"valid_from\":\"" + t + "\"}}",
                    Expect.status(400)));
            cases.add(post("timestamps", events(), "{\"events\":[{\"event_type\":\"DecisionMade\",\"payload\":{\"outcome\":\"o\",\"valid_from\":\""
                    + t + "\"}}]}", Expect.status(400)));
            cases.add(post("timestamps", events(), "{\"events\":[{\"event_type\":\"DecisionRevised\",\"payload\":{\"revises\":\"" + s.runNever
                    + "\",\"outcome\":\"o\",\"valid_from\":\"" + t + "\"}}]}", Expect.status(400)));
            cases.add(HostileCase.of("timestamps", "NDJSON occurred_at " + t, Endpoint.post("/v1/events", s.tokenA, "application/x-ndjson",
                    ("{\"run_id\":\"" + s.runA + "\",\"event_type\":\"ToolCalled\",\"occurred_at\":\"" + t + "\"}\n").getBytes(StandardCharsets.UTF_8)),
                    Expect.status(400)));
        }
        return cases;
    }

    private List<HostileCase> nulAndUnicode() {
        List<HostileCase> cases = new ArrayList<>();
        for (String bad : List.of("a\u0000b", "\\ud800", "x\\udfff", "\\ud800\\ud800")) {
            // \\u escapes go into the JSON text as they are, NUL is escaped by json()
            String text = bad.contains("\\u") ? "\"" + bad + "\"" : json(bad);
            String shown = shown(bad);
            cases.add(post("nul-and-surrogates", events(), "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"v\":" + text + "}}]}",
                    Expect.status(400)));
            cases.add(post("nul-and-surrogates", events(), "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{" + text + ":1}}]}",
                    Expect.status(400)));
            cases.add(post("nul-and-surrogates", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":" + text + "}}", Expect.status(400)));
            cases.add(post("nul-and-surrogates", "/v1/trace", "{\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\",\"reasoning\":" + text + "}}",
                    Expect.status(400)));
            cases.add(post("nul-and-surrogates", "/v1/runs", "{\"metadata\":{" + text + ":\"v\"}}", Expect.status(400)));
            cases.add(post("nul-and-surrogates", events(), "{\"events\":[{\"event_type\":\"DecisionStarted\",\"payload\":{\"decision_type\":\"t\","
                    + "\"metadata\":{\"m\":" + text + "}}}]}", Expect.status(400)));
            cases.add(HostileCase.of("nul-and-surrogates", "/auth/token agent_id " + shown,
                    Endpoint.postJson("/auth/token", null, "{\"agent_id\":" + text + ",\"api_key\":\"k\"}"), Expect.clientError()));
        }
        return cases;
    }

    private List<HostileCase> oddIds() {
        List<HostileCase> cases = new ArrayList<>();
        for (String id : Meta.ODD_IDS) {
            cases.add(HostileCase.of("odd-path-ids", "POST /v1/runs/" + shown(id) + "/events",
                    Endpoint.postJson("/v1/runs/" + id + "/events", s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"), Expect.clientError()));
            cases.add(HostileCase.of("odd-path-ids", "POST /v1/runs/" + shown(id) + "/complete",
                    Endpoint.postJson("/v1/runs/" + id + "/complete", s.tokenA, "{}"), Expect.clientError()));
        }
        for (String id : Meta.SERVER_REFUSED_IDS) {
            cases.add(HostileCase.of("odd-path-ids", "POST /v1/runs/" + shown(id) + "/events",
                    Endpoint.postJson("/v1/runs/" + id + "/events", s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"), Expect.rejectedByServer()));
        }
        cases.add(HostileCase.of("odd-path-ids", "events into an uppercase run id that never existed",
                Endpoint.postJson("/v1/runs/" + s.runNever.toUpperCase() + "/events", s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"),
                Expect.status(404, "NOT_FOUND")));
        cases.add(HostileCase.of("odd-path-ids", "events into a run id that never existed",
                Endpoint.postJson("/v1/runs/" + s.runNever + "/events", s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"),
                Expect.status(404, "NOT_FOUND")));
        return cases;
    }

    private List<HostileCase> metacharacters() {
        List<HostileCase> cases = new ArrayList<>();
        for (String m : Meta.CHARACTERS) {
            cases.add(HostileCase.of("metacharacters", "run id in the path " + shown(m),
                    Endpoint.postJson("/v1/runs/" + url(m) + "/events", s.tokenA, "{\"events\":[{\"event_type\":\"ToolCalled\"}]}"), Expect.clientError()));
            cases.add(post("metacharacters", "/v1/trace", "{\"run_id\":" + json(m) + ",\"decision\":{\"decision_type\":\"t\",\"outcome\":\"o\"}}",
                    Expect.status(400)));
            cases.add(post("metacharacters", events(), "{\"events\":[{\"event_type\":\"ToolCalled\",\"id\":" + json(m) + "}]}", Expect.status(400)));
            cases.add(post("metacharacters", events(), "{\"events\":[{\"event_type\":" + json(m) + "}]}", Expect.status(400)));
            cases.add(post("metacharacters", "/v1/trace", "{\"decision\":{\"decision_type\":" + json(m) + ",\"outcome\":\"o\"}}", Expect.status(400)));
            cases.add(HostileCase.of("metacharacters", "NDJSON run_id " + shown(m), Endpoint.post("/v1/events", s.tokenA, "application/x-ndjson",
                    ("{\"run_id\":" + json(m) + ",\"event_type\":\"ToolCalled\"}\n").getBytes(StandardCharsets.UTF_8)), Expect.status(400)));
            cases.add(HostileCase.of("metacharacters", "/auth/token agent_id " + shown(m),
                    Endpoint.postJson("/auth/token", null, "{\"agent_id\":" + json(m) + ",\"api_key\":\"k\"}"), Expect.clientError()));
            if (!m.contains("\u0000")) {
                Map<String, String> headers = new LinkedHashMap<>();
                headers.put("Authorization", "Bearer " + s.tokenA);
                headers.put("Content-Type", "application/json");
                headers.put("Idempotency-Key", m);
                cases.add(HostileCase.of("metacharacters", "Idempotency-Key " + shown(m),
                        RawHttp.request("POST", "/v1/runs", headers, "{}".getBytes(StandardCharsets.UTF_8)), Expect.noServerError()));
            }
        }
        return cases;
    }

    /** A writing into B's runs: refused with 404 NOT_FOUND, exactly as a run that never existed. */
    private List<HostileCase> crossAgentWrites() {
        List<HostileCase> cases = new ArrayList<>();
        Expect notFound = Expect.status(404, "NOT_FOUND");
        for (String run : List.of(s.runB, s.traceRunB, s.runNever)) {
            String whose = run.equals(s.runNever) ? "a run that never existed" : "B's run";
            cases.add(HostileCase.of("cross-agent", "events into " + whose, Endpoint.postJson("/v1/runs/" + run + "/events", s.tokenA,
                    "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"by\":\"a\"}}]}"), notFound));
            cases.add(HostileCase.of("cross-agent", "complete " + whose, Endpoint.postJson("/v1/runs/" + run + "/complete", s.tokenA, "{}"), notFound));
            cases.add(HostileCase.of("cross-agent", "fail " + whose,
                    Endpoint.postJson("/v1/runs/" + run + "/complete", s.tokenA, "{\"status\":\"failed\"}"), notFound));
            cases.add(HostileCase.of("cross-agent", "trace with run_id of " + whose, Endpoint.postJson("/v1/trace", s.tokenA,
                    "{\"run_id\":\"" + run + "\",\"decision\":{\"decision_type\":\"hostile_check\",\"outcome\":\"forged-by-a\"}}"), notFound));
            cases.add(HostileCase.of("cross-agent", "granular DecisionMade into " + whose, Endpoint.postJson("/v1/runs/" + run + "/events", s.tokenA,
                    "{\"events\":[{\"event_type\":\"DecisionMade\",\"payload\":{\"outcome\":\"forged-by-a\"}}]}"), notFound));
            cases.add(HostileCase.of("cross-agent", "granular DecisionStarted into " + whose, Endpoint.postJson("/v1/runs/" + run + "/events", s.tokenA,
                    "{\"events\":[{\"event_type\":\"DecisionStarted\",\"payload\":{\"decision_type\":\"hostile_check\"}}]}"), notFound));
            cases.add(HostileCase.of("cross-agent", "NDJSON line into " + whose + " beside a line into A's own run",
                    Endpoint.post("/v1/events", s.tokenA, "application/x-ndjson", ("{\"run_id\":\"" + s.runA + "\",\"event_type\":\"ToolCalled\"}\n"
                            + "{\"run_id\":\"" + run + "\",\"event_type\":\"ToolCalled\",\"payload\":{\"by\":\"a\"}}\n").getBytes(StandardCharsets.UTF_8)),
                    secondLineNotFound()));
        }
        return cases;
    }

    /** 202, line 0 accepted, line 1 rejected with NOT_FOUND. */
    private static Expect secondLineNotFound() {
        return answer -> {
            if (answer.status() != 202) {
                return Optional.of("expected 202 with line 1 rejected, got " + answer);
            }
            try {
                JsonNode data = EventJson.MAPPER.readTree(answer.body()).path("data");
                JsonNode rejected = data.path("rejected");
                boolean ok = data.path("accepted").asInt() == 1 && rejected.size() == 1 && rejected.get(0).path("index").asInt() == 1
                        && rejected.get(0).path("code").asText().equals("NOT_FOUND");
                return ok ? Optional.empty() : Optional.of("expected line 1 rejected with NOT_FOUND and line 0 accepted, got " + answer);
            } catch (IOException e) {
                return Optional.of("not JSON: " + answer);
            }
        };
    }
}
