package dev.kyoyu.query.http;

import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.runs.RunReader;
import dev.kyoyu.query.runs.RunView;
import dev.kyoyu.schemas.identity.Role;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.ErrorCode;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.kyoyu.query.metrics.QueryMetrics;
import io.micrometer.core.instrument.Timer;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code GET /v1/runs/{run_id}?after=&limit=}: a run and its events in sequence order, paged. Visible to whoever may
 * read the run's agent (its own agent, a grantee before the grant expires, an admin); to anyone else it does not
 * exist (404), so run ids cannot be probed.
 */
public final class RunQueryRoutes implements HttpService {
    private static final Set<String> PARAMS = Set.of("after", "limit");

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final RunReader reader;
    private final int maxEventsPerPage;
    private final QueryMetrics metrics;

    public RunQueryRoutes(Authenticator authenticator, AccessGrants grants, RunReader reader, int maxEventsPerPage, QueryMetrics metrics) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.reader = reader;
        this.maxEventsPerPage = maxEventsPerPage;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{run_id}", this::getRun);
    }

    private void getRun(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        UUID runId = Fields.uuid(req.path().pathParameters().get("run_id"), "run_id");
        Fields.onlyParams(req, PARAMS);
        long after = Fields.longParam(req, "after", -1, -1, Long.MAX_VALUE);
        int limit = (int) Fields.longParam(req, "limit", maxEventsPerPage, 1, maxEventsPerPage);
        Consistency consistency = ReadHeaders.consistency(req);
        Timer.Sample sample = metrics.start();
        Served<Optional<RunView>> served = reader.read(consistency, runId, after, limit);
        RunView view = served.value().orElse(null);
        if (view == null || !visible(caller, view.run().agentId())) {
            throw new ApiException(ErrorCode.NOT_FOUND, "run " + runId + " not found, or not visible to agent " + caller.agentId());
        }
        metrics.record(QueryMetrics.QueryType.RUN, sample, view.events().size());
        ReadHeaders.readFrom(res, served.pool());
        Envelope.send(req, res, 200, view);
    }

    /** Grants are read only for another agent's run, so an agent reading its own run needs no primary round trip. */
    private boolean visible(Caller caller, String runAgentId) throws SQLException {
        if (caller.admin() || (caller.role() == Role.AGENT && runAgentId.equals(caller.agentId()))) {
            return true;
        }
        return grants.scopeOf(caller).canRead(runAgentId);
    }
}
