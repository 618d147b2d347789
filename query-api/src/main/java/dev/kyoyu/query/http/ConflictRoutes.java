package dev.kyoyu.query.http;

import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.conflicts.ConflictReader;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.metrics.QueryMetrics;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.Envelope;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** {@code GET /v1/conflicts?agent_id=&decision_type=&from=&to=&limit=&offset=}: newest first; from/to bound detected_at. */
public final class ConflictRoutes implements HttpService {
    private static final Set<String> PARAMS = Set.of("agent_id", "decision_type", "from", "to", "limit", "offset");

    public record Answer(List<ConflictReader.Conflict> conflicts, long total, int limit, int offset) {
    }

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final ConflictReader reader;
    private final QueryMetrics metrics;
    private final int maxLimit;

    public ConflictRoutes(Authenticator authenticator, AccessGrants grants, ConflictReader reader, QueryMetrics metrics, int maxLimit) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.reader = reader;
        this.metrics = metrics;
        this.maxLimit = maxLimit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::conflicts);
    }

    private void conflicts(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        Fields.onlyParams(req, PARAMS);
        String agentId = Fields.agentParam(req, "agent_id");
        Instant from = Fields.instantParam(req, "from");
        Instant to = Fields.instantParam(req, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw Fields.invalid("from", "must be before to");
        }
        ConflictReader.Filter filter = new ConflictReader.Filter(agentId,
                Fields.textParam(req, "decision_type", Fields.MAX_TYPE_CHARS), from, to);
        int limit = Fields.intParam(req, "limit", Math.min(DecisionRequests.DEFAULT_LIMIT, maxLimit), 1, maxLimit);
        int offset = Fields.intParam(req, "offset", 0, 0, DecisionRequests.MAX_OFFSET);

        Consistency consistency = ReadHeaders.consistency(req);
        Timer.Sample sample = metrics.start();
        ReadScope scope = grants.scopeOf(caller);
        if (agentId != null) {
            scope.requireReadable(List.of(agentId), "agent_id");
        }
        Served<ConflictReader.Page> page = reader.page(consistency, filter, scope, limit, offset);
        metrics.record(QueryType.CONFLICTS, sample, page.value().conflicts().size());
        ReadHeaders.readFrom(res, page.pool());
        Envelope.send(req, res, 200, new Answer(page.value().conflicts(), page.value().total(), limit, offset));
    }
}
