package dev.kyoyu.system.generative;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.testsupport.TestLogFile;
import dev.kyoyu.testsupport.generative.CaseGenerator;
import dev.kyoyu.testsupport.generative.GeneratedCase;
import dev.kyoyu.testsupport.generative.Tally;
import dev.kyoyu.testsupport.generative.Verdict;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Issue 11, "accepted means processable": events and decisions generated across and past every
 * validator edge go through the real ingest API into the real decision stream and sink. Each one is
 * refused at the door with a 4xx naming the field, or stored, or dead-lettered with a reason; and an
 * ordinary event posted after them is stored. A modest number of tries here (the whole run stays
 * well under two minutes); {@code ./kyoyu bench generative --cases=N} runs many more.
 */
class AcceptedMeansProcessableIT {
    private static final Tally TALLY = new Tally();
    private static PipelineUnderTest pipeline;

    @BeforeContainer
    static void start() throws Exception {
        TestLogFile.bridgeJavaLogging(); // jqwik runs this class, so the Jupiter extension that would do it is not loaded
        pipeline = PipelineUnderTest.start("generative");
    }

    @AfterContainer
    static void stop() throws Exception {
        System.out.println("generative cases, by family and outcome:\n" + TALLY.table());
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Property(tries = 60, edgeCases = EdgeCasesMode.NONE)
    void everyInputIsRefusedWithItsFieldOrStoredOrDeadLettered(@ForAll("inputs") GeneratedCase input) {
        Verdict verdict = pipeline.oracle.check(input);
        TALLY.add(input, verdict);
        assertTrue(verdict.ok(), () -> input + "\n => " + verdict);
    }

    @AfterProperty
    void anOrdinaryEventPostedAfterThemIsStored() {
        Verdict verdict = pipeline.oracle.ordinary();
        assertEquals("stored", verdict.outcome(), verdict::toString);
    }

    @Provide
    Arbitrary<GeneratedCase> inputs() {
        return Arbitraries.randomValue(CaseGenerator::next);
    }
}
