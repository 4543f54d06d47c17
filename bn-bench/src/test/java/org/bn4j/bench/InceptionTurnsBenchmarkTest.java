package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A turn steps each network once and times each step to its own counter. */
class InceptionTurnsBenchmarkTest {
    @Test
    void aTurnStepsEachNetworkOnce() {
        InceptionTurnsBenchmark benchmark = new InceptionTurnsBenchmark();
        benchmark.setUp();
        InceptionTurnsBenchmark.Times times = new InceptionTurnsBenchmark.Times();

        benchmark.turn(times);
        benchmark.turn(times);

        assertEquals(2, times.turns);
        assertTrue(times.separate > 0 && times.fused > 0, times.separate + " " + times.fused);
    }
}
