package dev.kyoyu.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventMixTest {
    @Test
    void sameSeedSameEvents() {
        EventMix a = new EventMix(1);
        EventMix b = new EventMix(1);
        for (int i = 0; i < 100; i++) {
            String type = a.nextType();
            assertEquals(type, b.nextType());
            assertEquals(a.payload(type), b.payload(type));
        }
    }

    @Test
    void followsTheDeclaredSharesAndSizes() {
        EventMix mix = new EventMix(3);
        Map<String, Integer> counts = new HashMap<>();
        long bytes = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            String type = mix.nextType();
            counts.merge(type, 1, Integer::sum);
            bytes += mix.payload(type).toString().length();
        }
        for (String type : EventMix.TYPES) {
            double share = 100.0 * counts.getOrDefault(type, 0) / n;
            assertEquals(EventMix.weightPercent(type), share, 1.5, type);
        }
        double mean = (double) bytes / n;
        assertTrue(mean > 250 && mean < 800, "mean payload " + mean + " chars: a few hundred bytes, like agents send");
    }
}
