package dev.kyoyu.testsupport.generative;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.schemas.event.EventJson;
import dev.kyoyu.testsupport.ClientFacing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Holds one generated input to the rule "accepted means processable": it posts the input through the
 * real ingest API and then looks where it went. Refused with a 4xx in the error envelope naming the
 * field; or every accepted event is stored in agent_events (by id) and every decision it completes is
 * in decisions (by id or source event) or rejected by the stream; or it is dead-lettered with a reason.
 * Anything else (a 5xx, a refusal without a field, a class name in the answer, an accepted event that
 * appears nowhere within {@code settle}) is a finding.
 */
public final class CaseOracle {
    private static final Set<String> COMPLETING = Set.of("DecisionMade", "DecisionRevised");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String token;
    private final String pgUrl;
    private final String pgUser;
    private final String pgPassword;
    private final DeadLetterWatch deadLetters;
    private final Duration settle;

    public CaseOracle(int ingestPort, String token, String pgUrl, String pgUser, String pgPassword,
                      DeadLetterWatch deadLetters, Duration settle) {
        this.baseUrl = "http://127.0.0.1:" + ingestPort;
        this.token = token;
        this.pgUrl = pgUrl;
        this.pgUser = pgUser;
        this.pgPassword = pgPassword;
        this.deadLetters = deadLetters;
        this.settle = settle;
    }

    /** Where one resolvable thing must end up: a row found by {@code sql} with {@code id}, or a dead letter naming {@code id}. */
    private record Expectation(String what, String sql, String id) {
    }

    public Verdict check(GeneratedCase input) {
        HttpResponse<String> answer;
        try {
            String path = input.target() == GeneratedCase.Target.TRACE ? "/v1/trace" : "/v1/runs/" + openRun() + "/events";
            answer = post(path, input.body());
        } catch (IOException e) {
            return Verdict.finding("no answer", e.toString());
        }
        int status = answer.statusCode();
        String body = answer.body();
        Optional<String> leak = ClientFacing.leak(body);
        if (leak.isPresent()) {
            return Verdict.finding("leak", status + " " + leak.get());
        }
        if (status >= 500) {
            return Verdict.finding("5xx", status + " " + ClientFacing.abbreviate(body));
        }
        JsonNode json;
        try {
            json = EventJson.MAPPER.readTree(body);
        } catch (IOException e) {
            return Verdict.finding("not json", status + " " + ClientFacing.abbreviate(body));
        }
        if (status >= 400) {
            Optional<String> problem = ClientFacing.envelopeProblem(body);
            if (problem.isPresent()) {
                return Verdict.finding("bad envelope", status + " " + problem.get());
            }
            return ClientFacing.namesField(json.path("error")) ? Verdict.ok("refused")
                    : Verdict.finding("unnamed refusal", status + " " + ClientFacing.abbreviate(body));
        }
        if (status / 100 != 2) {
            return Verdict.finding("unexpected status", status + " " + ClientFacing.abbreviate(body));
        }
        return settle(input, json.path("data"));
    }

    /** An ordinary event, posted after everything else, must be stored. */
    public Verdict ordinary() {
        byte[] body = "{\"events\":[{\"event_type\":\"ToolCalled\",\"payload\":{\"ordinary\":true}}]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return check(new GeneratedCase("ordinary", "an ordinary event", GeneratedCase.Target.EVENTS, body));
    }

    private Verdict settle(GeneratedCase input, JsonNode data) {
        List<Expectation> expected = new ArrayList<>();
        boolean partlyRefused = false;
        if (input.target() == GeneratedCase.Target.TRACE) {
            String decisionId = data.path("decision_id").asText();
            expected.add(new Expectation("decision " + decisionId, "SELECT count(*) FROM decisions WHERE id = ?::uuid", decisionId));
        } else {
            JsonNode rejected = data.path("rejected");
            Set<Integer> rejectedIndexes = new HashSet<>();
            for (JsonNode r : rejected) {
                if (!r.path("field").isTextual() || r.path("field").asText().isBlank()) {
                    return Verdict.finding("unnamed refusal", "a 2xx rejected an event without naming a field: " + r);
                }
                rejectedIndexes.add(r.path("index").asInt());
            }
            partlyRefused = !rejectedIndexes.isEmpty();
            List<String> types = eventTypes(input.body());
            int k = 0;
            for (int index = 0; index < types.size(); index++) {
                if (rejectedIndexes.contains(index)) {
                    continue;
                }
                String id = data.path("event_ids").path(k++).asText();
                expected.add(new Expectation("event " + id, "SELECT count(*) FROM agent_events WHERE id = ?::uuid", id));
                if (COMPLETING.contains(types.get(index))) {
                    expected.add(new Expectation("decision completed by " + id,
                            "SELECT count(*) FROM decisions WHERE source_event_id = ?::uuid", id));
                }
            }
        }
        Map<Expectation, String> resolved = new LinkedHashMap<>();
        long deadline = System.nanoTime() + settle.toNanos();
        try (Connection db = DriverManager.getConnection(pgUrl, pgUser, pgPassword)) {
            while (true) {
                for (Expectation e : expected) {
                    if (!resolved.containsKey(e)) {
                        where(db, e).ifPresent(w -> resolved.put(e, w));
                    }
                }
                if (resolved.size() == expected.size() || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(100); // polling PostgreSQL and the dead-letter watch until the deadline
            }
        } catch (SQLException e) {
            return Verdict.finding("no database", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.finding("interrupted", "");
        }
        List<String> lost = expected.stream().filter(e -> !resolved.containsKey(e)).map(Expectation::what).toList();
        if (!lost.isEmpty()) {
            return Verdict.finding("lost", "accepted but neither stored nor dead-lettered within " + settle + ": " + lost);
        }
        List<String> unexplained = resolved.entrySet().stream().filter(e -> e.getValue().equals("dead letter without reason"))
                .map(e -> e.getKey().what()).toList();
        if (!unexplained.isEmpty()) {
            return Verdict.finding("dead letter without reason", unexplained.toString());
        }
        boolean deadLettered = resolved.values().stream().anyMatch(w -> w.equals("dead-lettered"));
        String outcome = deadLettered ? "dead-lettered" : "stored";
        return Verdict.ok(partlyRefused ? "refused+" + outcome : outcome);
    }

    private Optional<String> where(Connection db, Expectation e) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(e.sql())) {
            statement.setString(1, e.id());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                if (rows.getLong(1) > 0) {
                    return Optional.of("stored");
                }
            }
        }
        return deadLetters.reasonFor(e.id()).map(reason -> reason.isBlank() ? "dead letter without reason" : "dead-lettered");
    }

    private static List<String> eventTypes(byte[] body) {
        List<String> types = new ArrayList<>();
        try {
            for (JsonNode event : EventJson.MAPPER.readTree(body).path("events")) {
                types.add(event.path("event_type").asText(""));
            }
        } catch (IOException e) {
            // a 2xx for a body that is not JSON: no types; the oracle then expects nothing per type
        }
        return types;
    }

    private String openRun() throws IOException {
        HttpResponse<String> run = post("/v1/runs", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (run.statusCode() != 201) {
            throw new IOException("cannot open a run: " + run.statusCode() + " " + ClientFacing.abbreviate(run.body()));
        }
        return EventJson.MAPPER.readTree(run.body()).path("data").path("id").asText();
    }

    private HttpResponse<String> post(String path, byte[] body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
