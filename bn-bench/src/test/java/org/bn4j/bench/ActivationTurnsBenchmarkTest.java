package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/** A turn calls each variant once and times each call to its own counter. */
class ActivationTurnsBenchmarkTest {
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @ParameterizedTest
    @ValueSource(strings = {"forwardBackward", "inference"})
    void aTurnTimesEachVariantOnce(String pass) {
        ActivationTurnsBenchmark benchmark = new ActivationTurnsBenchmark();
        benchmark.shape = "NHWC:2,3,3,4";
        benchmark.pass = pass;
        benchmark.setUp();
        ActivationTurnsBenchmark.Times times = new ActivationTurnsBenchmark.Times();

        benchmark.turn(times, BLACKHOLE);
        benchmark.turn(times, BLACKHOLE);

        assertEquals(2, times.turns);
        assertTrue(times.bn > 0 && times.fused > 0, times.bn + " " + times.fused);
    }

    @Test
    void refusesAPassItDoesNotKnow() {
        ActivationTurnsBenchmark benchmark = new ActivationTurnsBenchmark();
        benchmark.shape = "NC:8,4";
        benchmark.pass = "forwardTraining";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, benchmark::setUp);
        assertTrue(e.getMessage().contains("no such pass: forwardTraining"), e.getMessage());
    }
}
