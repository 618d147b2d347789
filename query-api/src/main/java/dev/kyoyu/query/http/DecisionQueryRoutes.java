package dev.kyoyu.query.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.decisions.DecisionQuery;
import dev.kyoyu.query.decisions.DecisionReader;
import dev.kyoyu.query.decisions.DecisionStatements;
import dev.kyoyu.query.decisions.DecisionView;
import dev.kyoyu.query.decisions.TimeSlice;
import dev.kyoyu.query.metrics.QueryMetrics;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.JsonBodies;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.List;

/** {@code POST /v1/query} (structured) and {@code POST /v1/query/temporal} (what was known at as_of). */
public final class DecisionQueryRoutes implements HttpService {
    /** The answer of both: a page, the total of matching rows, and the bounds that were applied. */
    public record Answer(List<DecisionView> decisions, long total, int limit, int offset,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Instant asOf,
                         @JsonInclude(JsonInclude.Include.NON_NULL) Instant validAt) {
    }

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final DecisionReader reader;
    private final JsonBodies bodies;
    private final QueryMetrics metrics;
    private final int maxLimit;

    public DecisionQueryRoutes(Authenticator authenticator, AccessGrants grants, DecisionReader reader, JsonBodies bodies,
                               QueryMetrics metrics, int maxLimit) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.reader = reader;
        this.bodies = bodies;
        this.metrics = metrics;
        this.maxLimit = maxLimit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::structured);
        rules.post("/temporal", this::temporal);
    }

    private void structured(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        DecisionQuery query = DecisionRequests.structured(bodies.readJson(req), maxLimit);
        answer(req, res, caller, query, QueryType.STRUCTURED);
    }

    private void temporal(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        DecisionQuery query = DecisionRequests.temporal(bodies.readJson(req), maxLimit);
        answer(req, res, caller, query, QueryType.TEMPORAL);
    }

    private void answer(ServerRequest req, ServerResponse res, Caller caller, DecisionQuery query, QueryType type) throws Exception {
        Consistency consistency = ReadHeaders.consistency(req);
        Timer.Sample sample = metrics.start();
        ReadScope scope = grants.scopeOf(caller);
        if (query.filter().agentIds() != null) {
            scope.requireReadable(query.filter().agentIds(), "filters.agent_id");
        }
        Served<DecisionStatements.Page> served = reader.query(type, consistency, query, scope);
        DecisionStatements.Page page = served.value();
        ReadHeaders.readFrom(res, served.pool());
        metrics.record(type, sample, page.decisions().size());
        TimeSlice.AsOf asOf = query.slice() instanceof TimeSlice.AsOf a ? a : null;
        Envelope.send(req, res, 200, new Answer(page.decisions(), page.total(), query.limit(), query.offset(),
                asOf == null ? null : asOf.knownAt(), asOf == null ? null : asOf.validAt()));
    }
}
