package dev.kyoyu.query.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.embedder.provider.EmbeddingException;
import dev.kyoyu.query.access.AccessGrants;
import dev.kyoyu.query.access.ReadScope;
import dev.kyoyu.query.db.Consistency;
import dev.kyoyu.query.db.Served;
import dev.kyoyu.query.decisions.DecisionFilter;
import dev.kyoyu.query.decisions.DecisionQuery;
import dev.kyoyu.query.decisions.DecisionReader;
import dev.kyoyu.query.decisions.DecisionStatements;
import dev.kyoyu.query.decisions.DecisionView;
import dev.kyoyu.query.decisions.SearchTuning;
import dev.kyoyu.query.decisions.TimeSlice;
import dev.kyoyu.query.metrics.QueryMetrics;
import dev.kyoyu.query.metrics.QueryMetrics.QueryType;
import dev.kyoyu.query.search.QueryEmbedder;
import dev.kyoyu.service.auth.Authenticator;
import dev.kyoyu.service.auth.Caller;
import dev.kyoyu.service.http.ApiException;
import dev.kyoyu.service.http.Envelope;
import dev.kyoyu.service.http.JsonBodies;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/search {query, filters, limit, include, include_superseded}}: decisions nearest in meaning to
 * the query text, most similar first, each with {@code similarity_score} = 1 - cosine distance. Only
 * decisions that already have a vector take part (the embedder fills them in within moments of storage).
 */
public final class SearchRoutes implements HttpService {
    static final int MAX_QUERY_CHARS = 4000;

    public record Hit(DecisionView decision, double similarityScore) {
    }

    public record Answer(List<Hit> results, String model) {
    }

    private final Authenticator authenticator;
    private final AccessGrants grants;
    private final DecisionReader reader;
    private final QueryEmbedder embedder;
    private final JsonBodies bodies;
    private final QueryMetrics metrics;
    private final int maxLimit;
    private final SearchTuning tuning;

    public SearchRoutes(Authenticator authenticator, AccessGrants grants, DecisionReader reader, QueryEmbedder embedder,
                        JsonBodies bodies, QueryMetrics metrics, int maxLimit, SearchTuning tuning) {
        this.authenticator = authenticator;
        this.grants = grants;
        this.reader = reader;
        this.embedder = embedder;
        this.bodies = bodies;
        this.metrics = metrics;
        this.maxLimit = maxLimit;
        this.tuning = tuning;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::search);
    }

    private void search(ServerRequest req, ServerResponse res) throws Exception {
        Caller caller = authenticator.authenticate(req);
        ObjectNode request = Fields.object(bodies.readJson(req), "", Set.of("query", "filters", "limit", "include",
                "include_superseded"));
        String text = Fields.text(request.get("query"), "query", MAX_QUERY_CHARS);
        if (text == null) {
            throw Fields.invalid("query", "is required: the situation to find precedents for, in words");
        }
        DecisionFilter filter = DecisionRequests.filter(request.get("filters"), "filters");
        int limit = Fields.integer(request.get("limit"), "limit", Math.min(10, maxLimit), 1, maxLimit);
        Set<DecisionQuery.Include> includes = DecisionRequests.includes(request.get("include"));
        TimeSlice slice = Fields.bool(request.get("include_superseded"), "include_superseded", false)
                ? TimeSlice.ALL_VERSIONS : TimeSlice.CURRENT;

        Consistency consistency = ReadHeaders.consistency(req);
        Timer.Sample sample = metrics.start();
        ReadScope scope = grants.scopeOf(caller);
        if (filter.agentIds() != null) {
            scope.requireReadable(filter.agentIds(), "filters.agent_id");
        }
        float[] vector = embed(text);
        Served<List<DecisionStatements.Hit>> served = reader.search(consistency, vector, filter, slice, scope, limit, tuning, includes);
        List<DecisionStatements.Hit> hits = served.value();
        ReadHeaders.readFrom(res, served.pool());
        metrics.record(QueryType.SEARCH, sample, hits.size());
        hits.forEach(hit -> metrics.similarity(hit.similarityScore()));
        Envelope.send(req, res, 200, new Answer(
                hits.stream().map(h -> new Hit(h.decision(), h.similarityScore())).toList(), embedder.model()));
    }

    private float[] embed(String text) {
        try {
            return embedder.embed(text);
        } catch (EmbeddingException.Unembeddable e) {
            throw Fields.invalid("query", "cannot be embedded: " + e.getMessage());
        } catch (EmbeddingException e) {
            throw ApiException.unavailable("the embedding provider cannot embed the query right now", Duration.ofSeconds(5), e);
        } catch (QueryEmbedder.Saturated e) {
            throw ApiException.unavailable("search is saturated: " + e.getMessage() + "; retry shortly", Duration.ofSeconds(1), null);
        }
    }
}
