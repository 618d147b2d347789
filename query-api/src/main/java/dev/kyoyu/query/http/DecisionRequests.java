package dev.kyoyu.query.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.query.decisions.DecisionFilter;
import dev.kyoyu.query.decisions.DecisionQuery;
import dev.kyoyu.query.decisions.TimeSlice;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns the JSON bodies of /v1/query, /v1/query/temporal and /v1/search into typed queries, or a 400 naming the field. */
final class DecisionRequests {
    static final int DEFAULT_LIMIT = 50;
    // Deep offsets make PostgreSQL read and discard every skipped row; past this, narrow the filters instead.
    static final int MAX_OFFSET = 100_000;

    private static final Set<String> FILTER_FIELDS = Set.of("agent_id", "run_id", "decision_type", "outcome",
            "confidence_min", "time_range");
    private static final List<String> ORDER_BY = List.of("valid_from", "confidence", "transaction_time");
    private static final List<String> ORDER_DIR = List.of("asc", "desc");
    private static final List<String> INCLUDES = List.of("alternatives", "evidence");

    private DecisionRequests() {
    }

    static DecisionQuery structured(JsonNode body, int maxLimit) {
        ObjectNode request = Fields.object(body, "", Set.of("filters", "include", "include_superseded", "order_by",
                "order_dir", "limit", "offset"));
        TimeSlice slice = Fields.bool(request.get("include_superseded"), "include_superseded", false)
                ? TimeSlice.ALL_VERSIONS : TimeSlice.CURRENT;
        return page(request, filter(request.get("filters"), "filters"), slice, maxLimit);
    }

    /** {@code as_of} is required; {@code valid_at} (default: as_of) asks about another valid time with what was known at as_of. */
    static DecisionQuery temporal(JsonNode body, int maxLimit) {
        ObjectNode request = Fields.object(body, "", Set.of("as_of", "valid_at", "filters", "include", "order_by",
                "order_dir", "limit", "offset"));
        Instant asOf = Fields.instant(request.get("as_of"), "as_of");
        if (asOf == null) {
            throw Fields.invalid("as_of", "is required: the instant whose knowledge to reconstruct, e.g. 2026-01-31T10:00:00Z");
        }
        Instant validAt = Fields.instant(request.get("valid_at"), "valid_at");
        TimeSlice slice = new TimeSlice.AsOf(asOf, validAt == null ? asOf : validAt);
        return page(request, filter(request.get("filters"), "filters"), slice, maxLimit);
    }

    private static DecisionQuery page(ObjectNode request, DecisionFilter filter, TimeSlice slice, int maxLimit) {
        String orderBy = Fields.choice(request.get("order_by"), "order_by", ORDER_BY, "valid_from");
        String orderDir = Fields.choice(request.get("order_dir"), "order_dir", ORDER_DIR, "desc");
        return new DecisionQuery(filter, slice, includes(request.get("include")),
                DecisionQuery.OrderBy.valueOf(orderBy.toUpperCase(Locale.ROOT)), orderDir.equals("desc"),
                Fields.integer(request.get("limit"), "limit", Math.min(DEFAULT_LIMIT, maxLimit), 1, maxLimit),
                Fields.integer(request.get("offset"), "offset", 0, 0, MAX_OFFSET));
    }

    static Set<DecisionQuery.Include> includes(JsonNode node) {
        Set<DecisionQuery.Include> includes = EnumSet.noneOf(DecisionQuery.Include.class);
        if (Fields.absent(node)) {
            return includes;
        }
        if (!node.isArray() || node.size() > INCLUDES.size()) {
            throw Fields.invalid("include", "must be an array of at most " + INCLUDES.size() + " of " + INCLUDES);
        }
        for (int i = 0; i < node.size(); i++) {
            if (Fields.absent(node.get(i))) {
                throw Fields.invalid("include[" + i + "]", "is null; must be one of " + INCLUDES);
            }
            includes.add(DecisionQuery.Include.valueOf(
                    Fields.choice(node.get(i), "include[" + i + "]", INCLUDES, null).toUpperCase(Locale.ROOT)));
        }
        return includes;
    }

    static DecisionFilter filter(JsonNode node, String path) {
        if (Fields.absent(node)) {
            return DecisionFilter.NONE;
        }
        ObjectNode filters = Fields.object(node, path, FILTER_FIELDS);
        String runId = Fields.text(filters.get("run_id"), path + ".run_id", 36);
        Instant from = null;
        Instant to = null;
        JsonNode range = filters.get("time_range");
        if (!Fields.absent(range)) {
            String rangePath = path + ".time_range";
            ObjectNode timeRange = Fields.object(range, rangePath, Set.of("from", "to"));
            from = Fields.instant(timeRange.get("from"), rangePath + ".from");
            to = Fields.instant(timeRange.get("to"), rangePath + ".to");
            if (from != null && to != null && !from.isBefore(to)) {
                throw Fields.invalid(rangePath, "from must be before to");
            }
        }
        return new DecisionFilter(
                Fields.agentIds(filters.get("agent_id"), path + ".agent_id"),
                runId == null ? null : Fields.uuid(runId, path + ".run_id"),
                Fields.texts(filters.get("decision_type"), path + ".decision_type", 100, Fields.MAX_TYPE_CHARS),
                Fields.texts(filters.get("outcome"), path + ".outcome", 100, 1000),
                Fields.unitInterval(filters.get("confidence_min"), path + ".confidence_min"),
                from, to);
    }
}
