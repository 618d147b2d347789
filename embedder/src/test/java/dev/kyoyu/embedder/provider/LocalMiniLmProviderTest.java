package dev.kyoyu.embedder.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.Vectors;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalMiniLmProviderTest {
    private static final List<String> TEXTS = List.of(
            "loan_approval approve: the applicant's income covers the instalment three times",
            "deploy_rollout pause: error rate doubled on the canary",
            "a");

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 3})
    @DisplayName("our session gives the vectors of the artifact's own model, in order, on one thread or several")
    void embedsLikeTheArtifactsOwnModel(int threads) throws Exception {
        List<float[]> ours;
        try (LocalMiniLmProvider provider = new LocalMiniLmProvider(threads)) {
            ours = provider.embed(TEXTS);
        }
        List<float[]> theirs = new AllMiniLmL6V2QuantizedEmbeddingModel()
                .embedAll(TEXTS.stream().map(TextSegment::from).toList()).content().stream().map(e -> e.vector()).toList();
        assertEquals(TEXTS.size(), ours.size());
        for (int i = 0; i < TEXTS.size(); i++) {
            assertEquals(384, ours.get(i).length);
            double cosine = Vectors.cosine(ours.get(i), theirs.get(i));
            assertTrue(cosine > 0.99999, TEXTS.get(i) + ": cosine " + cosine);
        }
    }
}
