package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecallTest {
    private static final List<String> EXACT = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    @Test
    void countsTheShareOfTheExactTopKFound() {
        assertEquals(1.0, Recall.atK(EXACT, EXACT, 10));
        assertEquals(0.9, Recall.atK(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "x"), EXACT, 10), 1e-12);
        assertEquals(0.0, Recall.atK(List.of("x", "y"), EXACT, 10));
    }

    @Test
    void orderWithinTheTopKDoesNotMatter() {
        assertEquals(1.0, Recall.atK(EXACT.reversed(), EXACT, 10));
    }

    @Test
    void aShortApproximateAnswerMissesWhatItLacks() {
        assertEquals(0.5, Recall.atK(EXACT.subList(0, 5), EXACT, 10), 1e-12);
    }

    @Test
    void looksOnlyAtTheFirstKOfEither() {
        assertEquals(1.0, Recall.atK(List.of("a", "b", "x"), List.of("a", "b", "c"), 2));
        assertEquals(0.5, Recall.atK(List.of("a", "x", "b"), List.of("a", "b", "c"), 2), 1e-12);
    }

    @Test
    void withFewerRowsThanKTheExactAnswerIsTheTruth() {
        assertEquals(1.0, Recall.atK(List.of("a", "b", "c"), List.of("a", "b", "c"), 10));
        assertEquals(1.0, Recall.atK(List.of(), List.of(), 10));
    }

    @Test
    void aRowAsNearAsTheExactKthIsATieNotAMiss() {
        Recall.Ranked exact = new Recall.Ranked(List.of("a", "b", "c"), List.of(0.1, 0.2, 0.3));
        Recall.Ranked tie = new Recall.Ranked(List.of("a", "b", "twin-of-c"), List.of(0.1, 0.2, 0.3));
        Recall.Ranked farther = new Recall.Ranked(List.of("a", "b", "z"), List.of(0.1, 0.2, 0.31));
        assertEquals(1.0, Recall.atK(tie, exact, 3));
        assertEquals(2.0 / 3, Recall.atK(farther, exact, 3), 1e-12);
    }

    @Test
    void tiesNeverCountMoreThanK() {
        Recall.Ranked exact = new Recall.Ranked(List.of("a", "b"), List.of(0.1, 0.1));
        Recall.Ranked approximate = new Recall.Ranked(List.of("a", "b", "c"), List.of(0.1, 0.1, 0.1));
        assertEquals(1.0, Recall.atK(approximate, exact, 3));
    }

    @Test
    void rankedAnswersPairEveryIdWithADistance() {
        assertThrows(IllegalArgumentException.class, () -> new Recall.Ranked(List.of("a"), List.of()));
    }

    @Test
    void meanOfPerQueryRecalls() {
        assertEquals(0.95, Recall.mean(List.of(1.0, 0.9)), 1e-12);
        assertEquals(Double.NaN, Recall.mean(List.of()));
    }
}
