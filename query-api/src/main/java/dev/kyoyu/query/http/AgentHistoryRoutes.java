package dev.kyoyu.query.http;

import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.decisions.DecisionFilter;
import dev.kyoyu.query.decisions.DecisionQuery;
import dev.kyoyu.query.decisions.DecisionReader;
import dev.kyoyu.query.decisions.DecisionStatements;
import dev.kyoyu.query.decisions.DecisionView;
import dev.kyoyu.query.decisions.TimeSlice;
import dev.kyoyu.query.metrics.QueryMetrics;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import dev.kyoyu.service.auth.AgentIds;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.Envelope;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code GET /v1/agents/{agent_id}/history}: one agent's decisions over time, every version by default
 * (a revised decision shows both rows, the old one with its valid_to), newest first, paged.
 */
public final class AgentHistoryRoutes implements HttpService {
    private static final Set<String> PARAMS = Set.of("from", "to", "decision_type", "order_dir", "current_only",
            "include", "limit", "offset");

    public record Answer(String agentId, List<DecisionView> decisions, long total, int limit, int offset) {
    }

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final DecisionReader reader;
    private final QueryMetrics metrics;
    private final int maxLimit;

    public AgentHistoryRoutes(Authenticator authenticator, AccessGrants grants, DecisionReader reader, QueryMetrics metrics,
                              int maxLimit) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.reader = reader;
        this.metrics = metrics;
        this.maxLimit = maxLimit;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/{agent_id}/history", this::history);
    }

    private void history(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        String agentId = req.path().pathParameters().get("agent_id");
        if (!AgentIds.isValid(agentId)) {
            throw Fields.invalid("agent_id", Fields.quote(agentId) + " in the path is not an agent id (" + AgentIds.rule() + ")");
        }
        Fields.onlyParams(req, PARAMS);
        Instant from = Fields.instantParam(req, "from");
        Instant to = Fields.instantParam(req, "to");
        if (from != null && to != null && !from.isBefore(to)) {
            throw Fields.invalid("from", "must be before to");
        }
        String type = Fields.textParam(req, "decision_type", Fields.MAX_TYPE_CHARS);
        boolean currentOnly = Fields.choiceParam(req, "current_only", List.of("true", "false"), "false").equals("true");
        DecisionQuery query = new DecisionQuery(
                new DecisionFilter(List.of(agentId), null, type == null ? null : List.of(type), null, null, from, to),
                currentOnly ? TimeSlice.CURRENT : TimeSlice.ALL_VERSIONS,
                includes(Fields.param(req, "include")),
                DecisionQuery.OrderBy.VALID_FROM,
                Fields.choiceParam(req, "order_dir", List.of("asc", "desc"), "desc").equals("desc"),
                Fields.intParam(req, "limit", Math.min(DecisionRequests.DEFAULT_LIMIT, maxLimit), 1, maxLimit),
                Fields.intParam(req, "offset", 0, 0, DecisionRequests.MAX_OFFSET));

        Consistency consistency = ReadHeaders.consistency(req);
        Timer.Sample sample = metrics.start();
        ReadScope scope = grants.scopeOf(caller);
        scope.requireReadable(List.of(agentId), "agent_id");
        Served<DecisionStatements.Page> served = reader.query(QueryType.HISTORY, consistency, query, scope);
        DecisionStatements.Page page = served.value();
        ReadHeaders.readFrom(res, served.pool());
        metrics.record(QueryType.HISTORY, sample, page.decisions().size());
        Envelope.send(req, res, 200, new Answer(agentId, page.decisions(), page.total(), query.limit(), query.offset()));
    }

    /** {@code include=alternatives,evidence}. */
    private static Set<DecisionQuery.Include> includes(String raw) {
        Set<DecisionQuery.Include> includes = EnumSet.noneOf(DecisionQuery.Include.class);
        if (raw == null) {
            return includes;
        }
        for (String name : raw.split(",")) {
            switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "alternatives" -> includes.add(DecisionQuery.Include.ALTERNATIVES);
                case "evidence" -> includes.add(DecisionQuery.Include.EVIDENCE);
                default -> throw Fields.invalid("include", Fields.quote(name) + " is not one of [alternatives, evidence]");
            }
        }
        return includes;
    }
}
