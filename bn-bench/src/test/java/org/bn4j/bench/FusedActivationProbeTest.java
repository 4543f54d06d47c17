package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The probe's rows: one per pass, each a positive time and ordered quartiles of a positive ratio. */
class FusedActivationProbeTest {
    @Test
    void writesOneRowPerPassWithAPositiveTimeAndOrderedQuartiles() {
        List<String> rows = FusedActivationProbe.rows("here", BenchShape.parse("NCHW:4,3,5,5"), 1, 3, 3000);

        assertEquals(3, rows.size());
        String[] passes = {"forward_training", "backward", "inference"};
        for (int p = 0; p < passes.length; p++) {
            String[] cells = rows.get(p).split(",");
            assertEquals(List.of("here", "NCHW:4 3 5 5", passes[p]), List.of(cells[0], cells[1], cells[2]));
            double plainMicros = Double.parseDouble(cells[3]);
            double median = Double.parseDouble(cells[4]);
            double q1 = Double.parseDouble(cells[5]);
            double q3 = Double.parseDouble(cells[6]);
            assertTrue(plainMicros > 0, rows.get(p));
            assertTrue(q1 > 0 && q1 <= median && median <= q3 && Double.isFinite(q3), rows.get(p));
        }
    }

    @Test
    void refusesFewerRoundsThanWarmUpAndMeasurementNeed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FusedActivationProbe.rows("", BenchShape.parse("NC:8,2"), 1, 2, 100));
        assertTrue(e.getMessage().contains("at least 3 rounds"), e.getMessage());
    }
}
