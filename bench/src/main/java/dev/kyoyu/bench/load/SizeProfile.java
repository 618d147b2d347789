package dev.kyoyu.bench.load;

import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The size distribution of generated events, per event type: what "realistic" means, made explicit. */
public final class SizeProfile {
    private final Map<String, List<long[]>> byType = new LinkedHashMap<>();
    private long total;

    public SizeProfile() {
        EventMix.TYPES.forEach(t -> byType.put(t, new ArrayList<>()));
    }

    /** @param payloadBytes the payload object as JSON; @param eventBytes the whole event as JSON */
    public void add(String type, int payloadBytes, int eventBytes) {
        byType.computeIfAbsent(type, t -> new ArrayList<>()).add(new long[] {payloadBytes, eventBytes});
        total++;
    }

    /** @param eventLabel what the event bytes are, e.g. "event JSON as posted" or "record value on the topic" */
    public Table table(String eventLabel) {
        Table table = new Table("event type", "share", "payload bytes p50", "payload mean", "payload p95",
                "payload max", eventLabel + " mean", eventLabel + " p95");
        List<long[]> all = new ArrayList<>();
        byType.forEach((type, sizes) -> {
            if (!sizes.isEmpty()) {
                all.addAll(sizes);
                table.row(cells(type, sizes));
            }
        });
        table.row(cells("all", all));
        return table;
    }

    private Object[] cells(String type, List<long[]> sizes) {
        Percentiles payload = new Percentiles(sizes.stream().mapToLong(s -> s[0]).toArray());
        Percentiles event = new Percentiles(sizes.stream().mapToLong(s -> s[1]).toArray());
        return new Object[] {type, String.format("%.1f%%", 100.0 * sizes.size() / total), payload.at(50),
                Table.number(payload.mean()), payload.at(95), payload.max(), Table.number(event.mean()), event.at(95)};
    }
}
