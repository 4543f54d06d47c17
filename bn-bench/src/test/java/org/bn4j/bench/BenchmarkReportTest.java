package org.bn4j.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

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
        assertTrue(md.contains(
                "| forward + backward, bn4j / PyTorch | " + SHAPE + " | 0.91 [0.75, 3.00] | at most 1.00 | yes |"), md);
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
    void activationTableShowsEachVariantsForksAndTheStep() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("forwardBackward|shape=" + SHAPE + "|impl=bn", 10);
        t.add("forwardBackward|shape=" + SHAPE + "|impl=fused", 10.5);
        t.add("forwardBackward|shape=" + SHAPE + "|impl=separate", 14);
        t.add(BenchmarkMain.INCEPTION_TURNS + "|impl=fused", 90);
        t.add(BenchmarkMain.INCEPTION_TURNS + "|impl=separate", 100);
        t.add(BenchmarkMain.INCEPTION_TURNS + "|ratio=fused/separate", 0.9);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), null).activationTable("provenance");

        assertTrue(md.contains("| " + SHAPE + " | forwardBackward | 10.00 | 10.50 | 14.00 | - | - | 1.05 | 0.88 |"),
                md);
        assertTrue(md.contains("| Inception-style, 32x32, batch 32 | 90.00 | 100.00 | 0.900 |"), md);
    }

    @Test
    void activationGoalsAreJudgedOnTheMedianOfEachForksRatioInTurns() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        String turns = "turns|forwardBackward|shape=" + SHAPE;
        for (double ratio : new double[] {1.04, 1.08, 1.30}) {
            t.add(turns + "|ratio=fused/bn", ratio);
        }
        t.add(turns + "|impl=bn", 10);
        t.add("turns|inference|shape=" + SHAPE + "|ratio=fused/bn", 0.98);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), null).activationTable("provenance");

        assertTrue(md.contains("| " + SHAPE + " | forwardBackward | 10.00 | - | 1.080 [1.040, 1.300] |"), md);
        assertTrue(md.contains("| forwardBackward, fused ReLU / BN alone | " + SHAPE
                + " | 1.080 [1.040, 1.300] | at most 1.10 | yes |"), md);
        assertTrue(md.contains("| forwardBackward, fused ReLU / BN alone (saves the ActivationLayer's cost) | " + SHAPE
                + " | 1.080 [1.040, 1.300] | at most 1.00 | no |"), md);
        assertTrue(md.contains("| inference, fused ReLU / BN alone (saves the ActivationLayer's cost) | " + SHAPE
                + " | 0.980 | at most 1.00 | yes |"), md);
    }

    @Test
    void aRatioInTurnsJustOverItsTargetShowsItsThirdDecimal() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        for (double ratio : new double[] {1.101, 1.102, 1.2}) {
            t.add("turns|inference|shape=" + SHAPE + "|ratio=fused/bn", ratio);
        }

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), null).activationTable("provenance");

        assertTrue(md.contains("| inference, fused ReLU / BN alone | " + SHAPE
                + " | 1.102 [1.101, 1.200] | at most 1.10 | no |"), md);
    }

    @Test
    void anActivationGoalWithoutTurnsSaysItWasNotMeasured() {
        String md = new BenchmarkReport(new BenchmarkMain.Timings(), List.of(SHAPE), List.of(), null)
                .activationTable("provenance");

        assertTrue(
                md.contains("| inference, fused ReLU / BN alone | " + SHAPE + " | - | at most 1.10 | not measured |"),
                md);
    }

    @Test
    void aVariantsTimeInTurnsIsItsCounterOverTheTurnsAndEachForkGivesItsRatio() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        Map<String, Result> counters = Map.of("turns", counter("turns", 4), "bn", counter("bn", 40e6),
                "fused", counter("fused", 44e6));

        String key = "turns|forwardBackward|shape=" + SHAPE;
        BenchmarkMain.addTurnTimes(t, key, ActivationTurnsBenchmark.ORDER, counters);

        assertArrayEquals(new double[] {10}, t.of(key + "|impl=bn"), 1e-12);
        assertArrayEquals(new double[] {11}, t.of(key + "|impl=fused"), 1e-12);
        assertArrayEquals(new double[] {1.1}, t.of(key + "|ratio=fused/bn"), 1e-12);
    }

    @Test
    void everyVariantInTurnsHasItsCounter() throws NoSuchFieldException {
        for (String variant : ActivationTurnsBenchmark.ORDER) {
            assertEquals(long.class, ActivationTurnsBenchmark.Times.class.getField(variant).getType(), variant);
        }
        for (String network : InceptionTurnsBenchmark.ORDER) {
            assertEquals(long.class, InceptionTurnsBenchmark.Times.class.getField(network).getType(), network);
        }
    }

    @Test
    void allocationPerCallIsJudgedAgainstItsGoalForTheLayerAndBnCore() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        for (double bytes : new double[] {40, 48, 900}) {
            t.add("alloc|forwardBackward|shape=" + SHAPE + "|impl=bn4j", bytes);
        }
        t.add("alloc|forwardBackward|shape=" + SHAPE + "|impl=direct", 65);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), "PyTorch").markdown("provenance");

        assertTrue(md.contains("| " + SHAPE + " | forwardBackward | 48 [40, 900] | yes | 65 | no | - |"), md);
        assertTrue(md.contains("| " + SHAPE + " | inference | - | not measured | - | not measured | - |"), md);
    }

    @Test
    void eachShapeInOneJvmIsJudgedAgainstItsFreshFork() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("forwardBackward|shape=" + SHAPE + "|impl=bn4j", 10);
        t.add("network|forwardBackward|shape=" + SHAPE, 11);
        t.add("inference|shape=NC:60,100|impl=bn4j", 1);
        t.add("network|inference|shape=NC:60,100", 1.5);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of("NC:60,100"), "PyTorch").markdown("provenance");

        assertTrue(md.contains("| " + SHAPE + " | forwardBackward | 11.00 | 10.00 | 1.10 | yes |"), md);
        assertTrue(md.contains("| NC:60,100 | inference | 1.50 | 1.00 | 1.50 | no |"), md);
        assertTrue(md.contains("| NCW:32,128,50 | inference | - | - | - | not measured |"), md);
    }

    @Test
    void theStepInADefaultJvmStandsBesideTheTunedOne() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        t.add("step|impl=bn4j|net=inception", 100);
        t.add("step|impl=builtin|net=inception", 120);
        t.add("step|impl=bn4j|net=inception|" + BenchmarkMain.DEFAULT_JVM, 250);

        String md = new BenchmarkReport(t, List.of(SHAPE), List.of(), "PyTorch").markdown("provenance");

        assertTrue(md.contains("| Inception-style, 32x32, batch 32 | 100.00 | - | 120.00 | 250.00 | 2.50 |"), md);
    }

    @Test
    void aShapesTimeInOneJvmIsItsCounterOverTheOperations() {
        BenchmarkMain.Timings t = new BenchmarkMain.Timings();
        Map<String, Result> counters = Map.of("operations", counter("operations", 4),
                "nchw_32_64_56_56", counter("nchw_32_64_56_56", 40e6), "nc_60_100", counter("nc_60_100", 2e5));

        BenchmarkMain.addShapeTimes(t, "inference", "NCHW:32x64x56x56 NC:60x100", counters);

        assertArrayEquals(new double[] {10}, t.of("network|inference|shape=NCHW:32,64,56,56"), 1e-12);
        assertArrayEquals(new double[] {0.05}, t.of("network|inference|shape=NC:60,100"), 1e-12);
    }

    @Test
    void everyShapeHasItsCounterInOneJvm() throws NoSuchFieldException {
        for (String shape : BenchmarkMain.allShapes()) {
            assertEquals(long.class, NetworkShapesBenchmark.BnTimes.class
                    .getField(NetworkShapesBenchmark.BnTimes.counter(shape)).getType(), shape);
        }
    }

    private static Result counter(String name, double value) {
        return new ScalarResult(name, value, "#", AggregationPolicy.SUM);
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, BenchmarkMain.Timings.median(new double[] {1, 2, 3, 4}));
        assertEquals(2.0, BenchmarkMain.Timings.median(new double[] {1, 2, 3}));
    }
}
