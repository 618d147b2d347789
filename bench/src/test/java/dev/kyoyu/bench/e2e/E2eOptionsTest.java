package dev.kyoyu.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kyoyu.bench.Options;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class E2eOptionsTest {
    private static E2eOptions parse(String... args) {
        return E2eOptions.parse(List.of(args), Path.of("/repo"));
    }

    @Test
    void loadRunsOnePhasePerRateAtTenThousandByDefault() {
        assertEquals(List.of(new E2eOptions.Phase("steady 10000/s", 10_000, 60)), parse("--scenario=load").plan());
        assertEquals(2, parse("--scenario=load", "--rate=2000,10000", "--duration=30").plan().size());
    }

    @Test
    void spikeSplitsItsDurationIntoBaseSpikeAndBackAtTheFactor() {
        List<E2eOptions.Phase> plan = parse("--scenario=spike", "--rate=1000", "--duration=100", "--spike-factor=5").plan();
        assertEquals(List.of(1000L, 5000L, 1000L), plan.stream().map(E2eOptions.Phase::rate).toList());
        assertEquals(100, plan.stream().mapToLong(E2eOptions.Phase::seconds).sum());
    }

    @Test
    void smokeIsSecondsLongWithoutTheBaselineAndSoakTenMinutes() {
        E2eOptions smoke = parse("--scenario=smoke");
        assertEquals(10, smoke.duration().toSeconds());
        assertTrue(!smoke.baseline());
        assertEquals(600, parse("--scenario=soak").duration().toSeconds());
    }

    @Test
    void stressStepsAreBoundedByTheCeiling() {
        assertEquals(12, parse("--scenario=stress", "--rate=5000", "--step=5000", "--max-rate=60000").maxSteps());
    }

    @Test
    void anUnknownScenarioIsAUsageError() {
        Options.UsageException e = assertThrows(Options.UsageException.class, () -> parse("--scenario=marathon"));
        assertTrue(e.getMessage().contains("--scenario=marathon is not one of smoke, load, stress, spike, soak"), e.getMessage());
    }
}
