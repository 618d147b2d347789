package dev.kyoyu.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading Grafana dashboard JSON. */
final class Dashboards {
    private Dashboards() {
    }

    /** Every panel, those inside rows included; rows themselves are only containers. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        collect(dashboard.path("panels"), panels);
        return panels;
    }

    private static void collect(JsonNode list, List<JsonNode> into) {
        for (JsonNode panel : list) {
            if ("row".equals(panel.path("type").asText())) {
                collect(panel.path("panels"), into);
            } else {
                into.add(panel);
            }
        }
    }
}
