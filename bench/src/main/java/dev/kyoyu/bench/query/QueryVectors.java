package dev.kyoyu.bench.query;

import dev.kyoyu.bench.report.Percentiles;
import dev.kyoyu.bench.report.Progress;
import dev.kyoyu.embedder.provider.LocalMiniLmProvider;
import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;

/**
 * Query texts embedded in this JVM with the very model class query-api embeds them with (the quantized
 * all-MiniLM-L6-v2 of the embedder module), before any measurement: the direct-SQL baseline and exact search
 * need the vector query-api would compute. Also times one inference per text, the share of a search that is
 * embedding rather than SQL.
 */
final class QueryVectors {
    record Embedded(List<float[]> vectors, Percentiles nanosPerText) {
    }

    private QueryVectors() {
    }

    static Embedded embed(List<String> texts) throws Exception {
        List<float[]> vectors = new ArrayList<>(texts.size());
        long[] nanos = new long[texts.size()];
        try (LocalMiniLmProvider model = new LocalMiniLmProvider(1);
             ProgressBar bar = Progress.bar("embedding query texts in this JVM", texts.size(), "txt")) {
            for (int i = 0; i < texts.size(); i++) {
                long t0 = System.nanoTime();
                vectors.add(model.embed(List.of(texts.get(i))).getFirst());
                nanos[i] = System.nanoTime() - t0;
                bar.step();
            }
        }
        return new Embedded(vectors, new Percentiles(nanos));
    }
}
