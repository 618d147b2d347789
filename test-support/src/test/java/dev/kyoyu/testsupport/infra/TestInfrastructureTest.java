package dev.kyoyu.testsupport.infra;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The choice of test stack, with a fake Docker probe standing in for the engine this machine lacks. */
class TestInfrastructureTest {
    private static final BooleanSupplier ENGINE = () -> true;
    private static final BooleanSupplier NO_ENGINE = () -> false;

    @Test
    void autoRunsOnContainersWhenAnEngineAnswers() {
        assertEquals(TestInfrastructure.CONTAINERS, TestInfrastructure.choose("auto", ENGINE));
    }

    @Test
    void autoRunsOnTheLocalStackWhenNoEngineAnswers() {
        assertEquals(TestInfrastructure.LOCAL, TestInfrastructure.choose("auto", NO_ENGINE));
    }

    @Test
    void anUnsetOrBlankSettingMeansAuto() {
        assertEquals(TestInfrastructure.CONTAINERS, TestInfrastructure.choose(null, ENGINE));
        assertEquals(TestInfrastructure.LOCAL, TestInfrastructure.choose(null, NO_ENGINE));
        assertEquals(TestInfrastructure.CONTAINERS, TestInfrastructure.choose("  ", ENGINE));
    }

    @Test
    void localIsHonouredEvenWhenAnEngineAnswersAndTheEngineIsNotAsked() {
        AtomicInteger asked = new AtomicInteger();
        BooleanSupplier counting = () -> {
            asked.incrementAndGet();
            return true;
        };
        assertEquals(TestInfrastructure.LOCAL, TestInfrastructure.choose("local", counting));
        assertEquals(0, asked.get());
    }

    @Test
    void containersIsHonouredWhenAnEngineAnswers() {
        assertEquals(TestInfrastructure.CONTAINERS, TestInfrastructure.choose("containers", ENGINE));
        assertEquals(TestInfrastructure.CONTAINERS, TestInfrastructure.choose(" Containers ", ENGINE));
    }

    @Test
    void containersWithoutAnEngineFailsSayingSoAndHowToRunAnyway() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> TestInfrastructure.choose("containers", NO_ENGINE));
        assertTrue(refused.getMessage().contains("KYOYU_TEST_INFRA=containers, but no Docker engine answers"),
                refused.getMessage());
        assertTrue(refused.getMessage().contains("KYOYU_TEST_INFRA=local"), refused.getMessage());
    }

    @Test
    void anUnknownSettingIsRefusedNamingTheAllowedValues() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> TestInfrastructure.choose("docker", ENGINE));
        assertEquals("KYOYU_TEST_INFRA must be auto, local or containers, not 'docker'", refused.getMessage());
    }

    @Test
    void whatNeedsTheLocalStacksProcessesIsSkippedOnContainersSayingWhy() {
        TestAbortedException skipped = assertThrows(TestAbortedException.class,
                () -> TestInfrastructure.assumeLocal(TestInfrastructure.CONTAINERS, "A fault drill"));
        assertTrue(skipped.getMessage().contains("A fault drill runs processes of its own through deploy/local's scripts"),
                skipped.getMessage());
        assertTrue(skipped.getMessage().contains("skipped on KYOYU_TEST_INFRA=containers"), skipped.getMessage());
        assertDoesNotThrow(() -> TestInfrastructure.assumeLocal(TestInfrastructure.LOCAL, "A fault drill"));
    }
}
