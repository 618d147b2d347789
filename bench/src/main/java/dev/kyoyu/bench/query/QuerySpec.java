package dev.kyoyu.bench.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kyoyu.schemas.event.EventJson;
import java.time.Instant;
import java.util.List;

/**
 * One query of the benchmark, as data: the HTTP body query-api gets ({@link #body()}) and what {@link DirectSql}
 * turns into the same statements. Null fields are absent filters.
 *
 * @param shape     which item of the mix it is, e.g. {@code agent+type+7d}
 * @param asOf      temporal only: what was known then
 * @param validAt   temporal only, optional: about which valid time (default as_of)
 * @param include   attach alternatives and evidence
 * @param orderBy   valid_from or confidence (descending); vector queries order by similarity
 * @param text      vector only: the situation to search for
 */
record QuerySpec(Type type, String shape, List<String> agents, List<String> decisionTypes, List<String> outcomes,
                 Double confidenceMin, Instant from, Instant to, Instant asOf, Instant validAt, boolean include,
                 String orderBy, int limit, String text) {

    enum Type {
        STRUCTURED("structured", "/v1/query"),
        TEMPORAL("temporal", "/v1/query/temporal"),
        VECTOR("vector", "/v1/search");

        final String label;
        final String path;

        Type(String label, String path) {
            this.label = label;
            this.path = path;
        }
    }

    /** The request body for query-api. */
    ObjectNode body() {
        ObjectNode body = EventJson.MAPPER.createObjectNode();
        if (type == Type.VECTOR) {
            body.put("query", text);
        }
        if (type == Type.TEMPORAL) {
            body.put("as_of", asOf.toString());
            if (validAt != null) {
                body.put("valid_at", validAt.toString());
            }
        }
        ObjectNode filters = EventJson.MAPPER.createObjectNode();
        array(filters, "agent_id", agents);
        array(filters, "decision_type", decisionTypes);
        array(filters, "outcome", outcomes);
        if (confidenceMin != null) {
            filters.put("confidence_min", confidenceMin);
        }
        if (from != null) {
            filters.putObject("time_range").put("from", from.toString()).put("to", to.toString());
        }
        if (!filters.isEmpty()) {
            body.set("filters", filters);
        }
        if (include) {
            body.putArray("include").add("alternatives").add("evidence");
        }
        if (type != Type.VECTOR) {
            body.put("order_by", orderBy).put("order_dir", "desc");
        }
        body.put("limit", limit);
        return body;
    }

    private static void array(ObjectNode filters, String name, List<String> values) {
        if (values != null) {
            ArrayNode array = filters.putArray(name);
            values.forEach(array::add);
        }
    }
}
