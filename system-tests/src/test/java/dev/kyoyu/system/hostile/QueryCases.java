package dev.kyoyu.system.hostile;

import static dev.kyoyu.system.hostile.Meta.json;
import static dev.kyoyu.system.hostile.Meta.shown;
import static dev.kyoyu.system.hostile.Meta.url;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The query API's case table: every family of the hostile-input suite, as rows. */
final class QueryCases {
    /** An SSE answer never ends by itself: a subscribe case reads what arrives within this. */
    private static final Duration STREAM_READ = Duration.ofSeconds(3);
    private static final List<String> FILTERED = List.of("/v1/query", "/v1/query/temporal", "/v1/search");

    private final HostileStack s;

    QueryCases(HostileStack stack) {
        this.s = stack;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.json("/v1/query", "{\"filters\":{\"decision_type\":\"hostile_check\"},\"limit\":5}"),
                Endpoint.json("/v1/query/temporal", "{\"as_of\":\"2026-01-01T00:00:00Z\",\"filters\":{\"decision_type\":\"hostile_check\"}}"),
                Endpoint.json("/v1/search", "{\"query\":\"hostile input\",\"limit\":3}"));
    }

    List<HostileCase> all() {
        List<HostileCase> cases = new ArrayList<>();
        cases.addAll(CommonCases.bodies(endpoints(), s.tokenA));
        cases.addAll(CommonCases.protocol("/v1/query", s.tokenA));
        cases.addAll(CommonCases.auth(List.of("/v1/runs/" + s.runA, "/v1/agents/" + s.agentA + "/history", "/v1/conflicts"), endpoints()));
        cases.addAll(wrongTypes());
        cases.addAll(timestamps());
        cases.addAll(nulNullAndSurrogates());
        cases.addAll(metacharacters());
        cases.addAll(oddIds());
        cases.addAll(huge());
        cases.addAll(crossAgentReads());
        return cases;
    }

    private HostileCase post(String family, String path, String body, Expect expect) {
        return HostileCase.of(family, path + " <- " + shown(body), Endpoint.postJson(path, s.tokenA, body), expect);
    }

    private HostileCase get(String family, String path, Expect expect) {
        return HostileCase.of(family, "GET " + shown(path), Endpoint.get(path, s.tokenA), expect);
    }

    /** The body of a filtered endpoint with {@code filters} in it. */
    private static String withFilters(String path, String filters) {
        return switch (path) {
            case "/v1/query/temporal" -> "{\"as_of\":\"2026-01-01T00:00:00Z\",\"filters\":" + filters + "}";
            case "/v1/search" -> "{\"query\":\"hostile input\",\"filters\":" + filters + "}";
            default -> "{\"filters\":" + filters + "}";
        };
    }

    private List<HostileCase> wrongTypes() {
        List<HostileCase> cases = new ArrayList<>();
        for (String path : FILTERED) {
            for (String filters : List.of("\"x\"", "[]", "5", "{\"agent_id\":5}", "{\"agent_id\":{}}", "{\"decision_type\":true}",
                    "{\"outcome\":[[\"a\"]]}", "{\"confidence_min\":\"high\"}", "{\"confidence_min\":2}", "{\"confidence_min\":-0.1}",
                    "{\"time_range\":\"2026\"}", "{\"time_range\":{\"from\":5}}", "{\"run_id\":\"not-a-uuid\"}", "{\"run_id\":7}",
                    "{\"unknown_filter\":1}")) {
                cases.add(post("wrong-types", path, withFilters(path, filters), Expect.status(400)));
            }
        }
        for (String body : List.of("{\"limit\":\"10\"}", "{\"limit\":-1}", "{\"limit\":0}", "{\"limit\":1e10}", "{\"limit\":1.5}",
                "{\"offset\":\"x\"}", "{\"offset\":-5}", "{\"include\":\"alternatives\"}", "{\"include\":[\"everything\"]}", "{\"order_by\":5}",
                "{\"order_by\":\"id; DROP TABLE decisions\"}", "{\"order_dir\":\"sideways\"}", "{\"include_superseded\":\"yes\"}")) {
            cases.add(post("wrong-types", "/v1/query", body, Expect.status(400)));
        }
        cases.add(post("wrong-types", "/v1/query/temporal", "{\"as_of\":5}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/query/temporal", "{}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/query/temporal", "{\"as_of\":\"2026-01-01T00:00:00Z\",\"include_superseded\":true}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/search", "{\"query\":5}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/search", "{\"query\":\"\"}", Expect.status(400)));
        cases.add(post("wrong-types", "/v1/search", "{}", Expect.status(400)));
        for (String param : List.of("limit=x", "limit=-1", "offset=1e3", "current_only=maybe", "order_dir=up", "include=everything", "bogus=1")) {
            cases.add(get("wrong-types", "/v1/agents/" + s.agentA + "/history?" + param, Expect.status(400)));
        }
        for (String param : List.of("limit=x", "offset=-1", "bogus=1")) {
            cases.add(get("wrong-types", "/v1/conflicts?" + param, Expect.status(400)));
        }
        for (String param : List.of("after=x", "limit=0", "limit=99999999999")) {
            cases.add(get("wrong-types", "/v1/runs/" + s.runA + "?" + param, Expect.status(400)));
        }
        return cases;
    }

    private List<HostileCase> timestamps() {
        List<HostileCase> cases = new ArrayList<>();
        for (String t : Meta.BAD_TIMES) {
            for (String path : FILTERED) {
                cases.add(post("timestamps", path, withFilters(path, "{\"time_range\":{\"from\":\"" + t + "\",\"to\":\"2026-01-01T00:00:00Z\"}}"),
                        Expect.status(400)));
                cases.add(post("timestamps", path, withFilters(path, "{\"time_range\":{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"" + t + "\"}}"),
                        Expect.status(400)));
            }
            cases.add(post("timestamps", "/v1/query/temporal", "{\"as_of\":\"" + t + "\"}", Expect.status(400)));
            cases.add(post("timestamps", "/v1/query/temporal", "{\"as_of\":\"2026-01-01T00:00:00Z\",\"valid_at\":\"" + t + "\"}", Expect.status(400)));
            for (String param : List.of("from", "to")) {
                cases.add(get("timestamps", "/v1/agents/" + s.agentA + "/history?" + param + "=" + url(t), Expect.status(400)));
                cases.add(get("timestamps", "/v1/conflicts?" + param + "=" + url(t), Expect.status(400)));
            }
        }
        return cases;
    }

    private List<HostileCase> nulNullAndSurrogates() {
        List<HostileCase> cases = new ArrayList<>();
        for (String path : FILTERED) {
            for (String field : List.of("agent_id", "decision_type", "outcome", "run_id")) {
                cases.add(post("nul-and-surrogates", path, withFilters(path, "{\"" + field + "\":\"a\\u0000b\"}"), Expect.status(400)));
                cases.add(post("nul-and-surrogates", path, withFilters(path, "{\"" + field + "\":[\"a\\u0000b\"]}"), Expect.status(400)));
                cases.add(post("null-in-arrays", path, withFilters(path, "{\"" + field + "\":[null]}"), Expect.status(400)));
                cases.add(post("null-in-arrays", path, withFilters(path, "{\"" + field + "\":[\"" + s.agentA + "\",null]}"), Expect.status(400)));
            }
            cases.add(post("nul-and-surrogates", path, withFilters(path, "{\"decision_type\":\"\\ud800\"}"), Expect.status(400)));
            cases.add(post("nul-and-surrogates", path, withFilters(path, "{\"outcome\":[\"x\\udfffy\"]}"), Expect.status(400)));
            cases.add(post("nul-and-surrogates", path, withFilters(path, "{\"a\\u0000\":1}"), Expect.status(400)));
            cases.add(post("null-in-arrays", path, "{\"include\":[null]," + withFilters(path, "{}").substring(1), Expect.status(400)));
        }
        cases.add(post("nul-and-surrogates", "/v1/search", "{\"query\":\"find\\u0000this\"}", Expect.status(400)));
        cases.add(post("nul-and-surrogates", "/v1/search", "{\"query\":\"find \\ud800 this\"}", Expect.status(400)));
        cases.add(get("nul-and-surrogates", "/v1/agents/a%00b/history", Expect.clientError()));
        cases.add(get("nul-and-surrogates", "/v1/agents/" + s.agentA + "/history?decision_type=a%00b", Expect.status(400)));
        cases.add(get("nul-and-surrogates", "/v1/conflicts?agent_id=a%00b", Expect.status(400)));
        cases.add(get("nul-and-surrogates", "/v1/conflicts?decision_type=a%00b", Expect.status(400)));
        cases.add(get("nul-and-surrogates", "/v1/agents/" + s.agentA + "/history?decision_type=%ED%A0%80", Expect.status(400)));
        cases.add(subscribe("nul-and-surrogates", "/v1/subscribe?decision_type=a%00b", Map.of(), Expect.status(400)));
        cases.add(subscribe("wrong-types", "/v1/subscribe?confidence_min=high", Map.of(), Expect.status(400)));
        cases.add(subscribe("wrong-types", "/v1/subscribe", Map.of("Last-Event-ID", "d0=x;DROP"), Expect.status(400)));
        return cases;
    }

    private List<HostileCase> metacharacters() {
        List<HostileCase> cases = new ArrayList<>();
        Expect safe = Expect.nothingOf(s.foreign());
        for (String m : Meta.CHARACTERS) {
            Expect expect = m.contains("\u0000") ? Expect.status(400) : safe;
            for (String path : FILTERED) {
                for (String field : List.of("decision_type", "outcome", "agent_id")) {
                    cases.add(post("metacharacters", path, withFilters(path, "{\"" + field + "\":" + json(m) + "}"), expect));
                }
            }
            cases.add(post("metacharacters", "/v1/search", "{\"query\":" + json(m) + "}", expect));
            cases.add(get("metacharacters", "/v1/agents/" + url(m) + "/history", m.contains("\u0000") ? Expect.clientError() : safe));
            cases.add(get("metacharacters", "/v1/agents/" + s.agentA + "/history?decision_type=" + url(m), expect));
            cases.add(get("metacharacters", "/v1/conflicts?agent_id=" + url(m), expect));
            cases.add(get("metacharacters", "/v1/conflicts?decision_type=" + url(m), expect));
            cases.add(get("metacharacters", "/v1/runs/" + url(m), Expect.clientError()));
        }
        return cases;
    }

    private List<HostileCase> oddIds() {
        List<HostileCase> cases = new ArrayList<>();
        for (String id : Meta.ODD_IDS) {
            cases.add(get("odd-path-ids", "/v1/runs/" + id, Expect.clientError()));
            cases.add(get("odd-path-ids", "/v1/agents/" + id + "/history", Expect.nothingOf(s.foreign())));
        }
        for (String id : Meta.SERVER_REFUSED_IDS) {
            cases.add(get("odd-path-ids", "/v1/runs/" + id, Expect.rejectedByServer()));
            cases.add(get("odd-path-ids", "/v1/agents/" + id + "/history", Expect.rejectedByServer()));
        }
        cases.add(get("odd-path-ids", "/v1/runs/" + s.runNever, Expect.status(404, "NOT_FOUND")));
        cases.add(get("odd-path-ids", "/v1/runs/" + s.runNever.toUpperCase(), Expect.status(404, "NOT_FOUND")));
        cases.add(get("odd-path-ids", "/v1/runs/" + s.runB.toUpperCase(), Expect.nothingOf(s.foreign())));
        return cases;
    }

    private List<HostileCase> huge() {
        List<HostileCase> cases = new ArrayList<>();
        cases.add(post("huge", "/v1/query", "{\"filters\":{\"outcome\":\"" + "o".repeat(20 << 20) + "\"}}", Expect.status(413)));
        cases.add(post("huge", "/v1/search", "{\"query\":\"" + "q".repeat(1 << 20) + "\"}", Expect.clientError()));
        cases.add(post("huge", "/v1/search", "{\"query\":\"" + "q".repeat(4001) + "\"}", Expect.status(400)));
        StringBuilder agents = new StringBuilder("[");
        for (int i = 0; i <= 100; i++) {
            agents.append(i == 0 ? "" : ",").append("\"agent-").append(i).append('"');
        }
        cases.add(post("huge", "/v1/query", "{\"filters\":{\"agent_id\":" + agents + "]}}", Expect.status(400)));
        cases.add(post("huge", "/v1/query", "{\"filters\":{\"outcome\":[" + "\"o\",".repeat(100_000) + "\"o\"]}}", Expect.clientError()));
        cases.add(post("huge", "/v1/query", "{\"offset\":100001}", Expect.status(400)));
        cases.add(post("huge", "/v1/query", "{\"limit\":1001}", Expect.status(400)));
        cases.add(post("huge", "/v1/search", "{\"query\":\"q\",\"limit\":101}", Expect.status(400)));
        cases.add(get("huge", "/v1/agents/" + "a".repeat(10_000) + "/history", Expect.rejectedByServer()));
        return cases;
    }

    /** A reads B's data without a grant: 403 or 404, or an answer that shows none of it. */
    private List<HostileCase> crossAgentReads() {
        List<HostileCase> cases = new ArrayList<>();
        Expect hidden = Expect.nothingOf(s.foreign());
        cases.add(get("cross-agent", "/v1/runs/" + s.runB, Expect.status(404, "NOT_FOUND")));
        cases.add(get("cross-agent", "/v1/runs/" + s.traceRunB, Expect.status(404, "NOT_FOUND")));
        cases.add(get("cross-agent", "/v1/runs/" + s.traceRunB + "?after=-1&limit=1", Expect.status(404, "NOT_FOUND")));
        for (String path : FILTERED) {
            cases.add(post("cross-agent", path, withFilters(path, "{\"agent_id\":[\"" + s.agentB + "\"]}"), hidden));
            cases.add(post("cross-agent", path, withFilters(path, "{\"agent_id\":\"" + s.agentB + "\"}"), hidden));
            cases.add(post("cross-agent", path, withFilters(path, "{\"run_id\":\"" + s.traceRunB + "\"}"), hidden));
            cases.add(post("cross-agent", path, withFilters(path, "{\"decision_type\":\"hostile_check\"}"), hidden));
            cases.add(post("cross-agent", path, withFilters(path, "{\"agent_id\":[\"" + s.agentA + "\",\"" + s.agentB + "\"]}"), hidden));
        }
        cases.add(post("cross-agent", "/v1/query", "{\"include_superseded\":true,\"include\":[\"alternatives\",\"evidence\"]}", hidden));
        cases.add(get("cross-agent", "/v1/agents/" + s.agentB + "/history", hidden));
        cases.add(get("cross-agent", "/v1/agents/" + s.agentB + "/history?current_only=false&include=alternatives,evidence", hidden));
        cases.add(get("cross-agent", "/v1/conflicts?agent_id=" + s.agentB, hidden));
        cases.add(get("cross-agent", "/v1/conflicts?decision_type=hostile_check", hidden));
        cases.add(subscribe("cross-agent", "/v1/subscribe?agent_id=" + s.agentB, Map.of(), hidden));
        cases.add(subscribe("cross-agent", "/v1/subscribe", Map.of("Last-Event-ID", "d0=0,d1=0,d2=0,c0=0"), hidden));
        return cases;
    }

    private HostileCase subscribe(String family, String path, Map<String, String> extra, Expect expect) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + s.tokenA);
        headers.put("Accept", "text/event-stream");
        headers.putAll(extra);
        byte[] request = RawHttp.request("GET", path, headers, new byte[0]);
        return new HostileCase(family, "GET " + path + " " + extra, port -> RawHttp.exchange(port, request, STREAM_READ), expect);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
