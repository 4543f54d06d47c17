package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report judges each goal from the medians, and shows the fork extremes beside them. */
class BenchmarkReportTest {
    private static final String SHAPE = "NCHW:32,64,56,56";

    @Test
    void aGoalIsMetWhenTheRatioOfMediansIsWithinItsTarget() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        for (double ms : new double[] {9, 10, 30}) {
            t.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", ms);
        }
        for (double ms : new double[] {10, 11, 12}) {
            t.add("forwardBackward|shape=" + SHAPE + "|impl=pytorch", ms);
        }
        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), "PyTorch").markdown("provenance");
        assertTrue(md.contains("| forward + backward, bn4j / PyTorch | " + SHAPE + " | 0.91 [0.75, 3.00] | at most 1.00 | yes |"), md);
    }

    @Test
    void aGoalIsNotMetWhenTheRatioOfMediansExceedsItsTarget() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("inference|shape=" + SHAPE + "|impl=bn4j", 1.6);
        t.add("inference|shape=" + SHAPE + "|impl=pytorch", 1.0);
        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), "PyTorch").markdown("provenance");
        assertTrue(md.contains("| inference, bn4j / PyTorch | " + SHAPE + " | 1.60 | at most 1.50 | no |"), md);
    }

    @Test
    void aGoalWithoutItsPeerSaysItWasNotMeasured() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("inference|shape=" + SHAPE + "|impl=bn4j", 1.6);
        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), "not measured").markdown("provenance");
        assertTrue(md.contains("| inference, bn4j / PyTorch | " + SHAPE + " | - | at most 1.50 | not measured |"), md);
    }

    @Test
    void activationTableJudgesTheFusedReluAgainstBnAloneAndTheLayerItSaves() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("forwardBackward|shape=" + SHAPE + "|impl=bn", 10);
        t.add("forwardBackward|shape=" + SHAPE + "|impl=fused", 10.5);
        t.add("forwardBackward|shape=" + SHAPE + "|impl=separate", 14);
        t.add("inference|shape=" + SHAPE + "|impl=bn", 2);
        t.add("inference|shape=" + SHAPE + "|impl=fused", 2.4);
        t.add("step|impl=bn4j-fused|net=inception", 90);
        t.add("step|impl=bn4j|net=inception", 100);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), null).activationTable("provenance");

        assertTrue(md.contains("| " + SHAPE + " | forwardBackward | 10.00 | 10.50 | 14.00 | - | - | 1.05 | 0.88 |"),
                md);
        assertTrue(md.contains("| forwardBackward, fused ReLU / BN alone | " + SHAPE
                + " | 1.05 | at most 1.10 | yes |"), md);
        assertTrue(md.contains("| inference, fused ReLU / BN alone | " + SHAPE + " | 1.20 | at most 1.10 | no |"), md);
        assertTrue(md.contains("| Inception-style, 32x32, batch 32 | 90.00 | 100.00 | 0.90 |"), md);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, BenchmarkMain.Timings.median(new double[] {1, 2, 3, 4}));
        assertEquals(2.0, BenchmarkMain.Timings.median(new double[] {1, 2, 3}));
    }
}
