package dev.kyoyu.bench.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class QueryRunnerTest {
    @Test
    void countsDecisionsOfAPageWithoutCountingTheirAlternativesOrEvidence() {
        String page = "{\"data\":{\"decisions\":[{\"id\":\"a\",\"transaction_time\":\"t\",\"alternatives\":[{\"label\":\"x\"}],"
                + "\"evidence\":[{\"content\":\"c\"}]},{\"id\":\"b\",\"transaction_time\":\"t\"}],\"total\":2},\"meta\":{}}";
        assertEquals(2, QueryRunner.rows(page, QuerySpec.Type.STRUCTURED));
        assertEquals(2, QueryRunner.rows(page, QuerySpec.Type.TEMPORAL));
    }

    @Test
    void countsSearchHits() {
        String hits = "{\"data\":{\"results\":[{\"decision\":{\"transaction_time\":\"t\"},\"similarity_score\":0.7},"
                + "{\"decision\":{\"transaction_time\":\"t\"},\"similarity_score\":0.6}],\"model\":\"m\"}}";
        assertEquals(2, QueryRunner.rows(hits, QuerySpec.Type.VECTOR));
        assertEquals(0, QueryRunner.rows("{\"data\":{\"results\":[]}}", QuerySpec.Type.VECTOR));
    }
}
