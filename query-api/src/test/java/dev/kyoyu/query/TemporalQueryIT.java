package dev.kyoyu.query;

import static dev.kyoyu.query.DecisionRows.decision;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kyoyu.testsupport.HttpJson;
import dev.kyoyu.testsupport.TestDatabase;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * POST /v1/query/temporal: what Kyoyu knew at as_of, over rows whose transaction and valid times are set by
 * the test, and a retroactive close recorded "now" through the real trigger.
 */
class TemporalQueryIT {
    private static final String AGENT = "temporal-agent";
    private static TestDatabase db;
    private static QueryApp app;
    private static HttpJson http;
    private static final Map<UUID, String> NAMES = new HashMap<>();

    @BeforeAll
    static void start() {
        db = TestDatabase.create();
        // d1: decided 09:00, recorded 10:00, still valid.
        name("d1", decision(AGENT, "loan_approval", "approve").validFrom("2026-02-01T09:00:00Z").recordedAt("2026-02-01T10:00:00Z").insert(db));
        // d2: decided 11:00, Kyoyu only learned it at 12:00.
        name("d2", decision(AGENT, "loan_approval", "deny").validFrom("2026-02-01T11:00:00Z").recordedAt("2026-02-01T12:00:00Z").insert(db));
        // d3: valid from 08:00; a revision recorded today says it ended at 09:30 (a retroactive close).
        UUID d3 = name("d3", decision(AGENT, "loan_approval", "review").validFrom("2026-02-01T08:00:00Z").recordedAt("2026-02-01T08:00:00Z").insert(db));
        DecisionRows.execute(db, "UPDATE decisions SET valid_to = '2026-02-01T09:30:00Z' WHERE id = ?", d3);
        // d4: stored already closed: valid 07:00-09:00, known so since it was recorded at 08:00.
        name("d4", decision(AGENT, "fraud_check", "flag").validFrom("2026-02-01T07:00:00Z").validTo("2026-02-01T09:00:00Z")
                .recordedAt("2026-02-01T08:00:00Z").insert(db));
        // d5: recorded at 08:00, takes effect at 15:00.
        name("d5", decision(AGENT, "fraud_check", "clear").validFrom("2026-02-01T15:00:00Z").recordedAt("2026-02-01T08:00:00Z").insert(db));
        app = QueryTestApp.start(db);
        http = new HttpJson(app.port());
    }

    private static UUID name(String name, UUID id) {
        NAMES.put(id, name);
        return id;
    }

    @AfterAll
    static void stop() {
        app.close();
        db.close();
    }

    private static Set<String> known(Map<String, Object> body) {
        HttpJson.Response response = http.postJson("/v1/query/temporal", QueryTestApp.token(AGENT), body);
        assertEquals(200, response.status(), response.raw().body());
        Set<String> names = new TreeSet<>();
        response.data().path("decisions").forEach(d -> names.add(NAMES.get(UUID.fromString(d.path("id").asText()))));
        assertEquals(names.size(), response.data().path("total").asInt());
        return names;
    }

    @Test
    void closingUpdateIsStampedWithItsTransactionTime() {
        assertEquals(1, db.queryLong("SELECT count(*) FROM decisions WHERE valid_to_recorded_at > now() - interval '1 hour'"));
        assertEquals(4, db.queryLong("SELECT count(*) FROM decisions WHERE valid_to_recorded_at IS NULL"));
    }

    @Test
    @DisplayName("as of 10:00: recorded by then, in effect then, and not known to have ended")
    void reconstructsWhatWasKnown() {
        assertEquals(Set.of("d1", "d3"), known(Map.of("as_of", "2026-02-01T10:00:00Z")),
                "d2 was not recorded yet, d4 was known to have ended, d5 was not in effect; d3's end was learned only later");
        assertEquals(Set.of("d3", "d4"), known(Map.of("as_of", "2026-02-01T08:30:00Z")));
        assertEquals(Set.of("d1", "d2", "d3"), known(Map.of("as_of", "2026-02-01T13:00:00Z")));
        assertEquals(Set.of(), known(Map.of("as_of", "2026-02-01T07:59:59Z")));
    }

    @Test
    void todayKnowsTheRetroactiveClose() {
        String now = Instant.now().plus(1, ChronoUnit.MINUTES).toString();
        assertEquals(Set.of("d1", "d2", "d5"), known(Map.of("as_of", now)));
    }

    @Test
    @DisplayName("valid_at asks about another instant with the knowledge of as_of")
    void separatesValidTimeFromKnowledgeTime() {
        HttpJson.Response response = http.postJson("/v1/query/temporal", QueryTestApp.token(AGENT),
                Map.of("as_of", "2026-02-01T10:00:00Z", "valid_at", "2026-02-01T16:00:00Z"));
        assertEquals("2026-02-01T10:00:00Z", response.data().path("as_of").asText());
        assertEquals("2026-02-01T16:00:00Z", response.data().path("valid_at").asText());
        assertEquals(Set.of("d1", "d3", "d5"), known(Map.of("as_of", "2026-02-01T10:00:00Z", "valid_at", "2026-02-01T16:00:00Z")));
    }

    @Test
    void appliesTheStructuredFiltersToo() {
        assertEquals(Set.of("d4"), known(Map.of("as_of", "2026-02-01T08:30:00Z", "filters", Map.of("decision_type", "fraud_check"))));
        HttpJson.Response other = http.postJson("/v1/query/temporal", QueryTestApp.token("someone-else"),
                Map.of("as_of", "2026-02-01T13:00:00Z"));
        assertEquals(0, other.data().path("total").asInt());
    }

    @Test
    void namesTheBadField() {
        String token = QueryTestApp.token(AGENT);
        assertEquals("as_of", http.postJson("/v1/query/temporal", token, Map.of()).error().path("details").path("field").asText());
        assertEquals("as_of", http.postJson("/v1/query/temporal", token, Map.of("as_of", "10:00")).error().path("details").path("field").asText());
        assertEquals("valid_at", http.postJson("/v1/query/temporal", token, Map.of("as_of", "2026-02-01T10:00:00Z", "valid_at", 5))
                .error().path("details").path("field").asText());
        HttpJson.Response superseded = http.postJson("/v1/query/temporal", token,
                Map.of("as_of", "2026-02-01T10:00:00Z", "include_superseded", true));
        assertEquals(400, superseded.status());
        assertEquals("include_superseded", superseded.error().path("details").path("field").asText());
    }
}
