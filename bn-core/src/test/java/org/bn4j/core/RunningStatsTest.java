package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Two channels, three batches of [N=2, C=2], worked by hand:
 * <pre>
 * batch 1: ch0 {1, 3} mean 2, biased var 1, unbiased 2;   ch1 {0, 4}  mean 2, biased 4, unbiased 8
 * batch 2: ch0 {5, 7} mean 6, biased var 1, unbiased 2;   ch1 {-1, 1} mean 0, biased 1, unbiased 2
 * batch 3: ch0 {2, 2} mean 2, biased var 0, unbiased 0;   ch1 {3, 9}  mean 6, biased 9, unbiased 18
 * </pre>
 */
class RunningStatsTest {
    private static final Shape SHAPE = Shape.of(Layout.NC, 2, 2);
    private static final double[][] BATCHES = {{1, 0, 3, 4}, {5, -1, 7, 1}, {2, 3, 2, 9}};

    private static RunningStats afterThreeBatches(BatchNormConfig config) {
        BatchNormalizer bn = new BatchNormalizer(config);
        RunningStats running = RunningStats.initial(2);
        for (double[] x : BATCHES) {
            BatchStats stats = bn.forwardTraining(Values.of(x), SHAPE, new double[] {1, 1}, new double[] {0, 0}, null,
                    Values.of(new double[4]));
            running = running.updated(stats, config);
        }
        return running;
    }

    @Test
    void startsAtMeanZeroAndVarianceOne() {
        RunningStats initial = RunningStats.initial(3);
        assertArrayEquals(new double[] {0, 0, 0}, initial.mean());
        assertArrayEquals(new double[] {1, 1, 1}, initial.var());
        assertEquals(0, initial.batches());
    }

    @Test
    void exponentialAverageWeightsTheOldValueByDecay() {
        RunningStats running = afterThreeBatches(BatchNormConfig.builder().decay(0.9).build());
        // mean ch0: 0 -> 0.2 -> 0.78 -> 0.902;  ch1: 0 -> 0.2 -> 0.18 -> 0.762
        // biased var ch0: 1 -> 1 -> 1 -> 0.9;   ch1: 1 -> 1.3 -> 1.27 -> 2.043
        assertArrayEquals(new double[] {0.902, 0.762}, running.mean(), 1e-12);
        assertArrayEquals(new double[] {0.9, 2.043}, running.var(), 1e-12);
        assertEquals(3, running.batches());
    }

    @Test
    void exponentialAverageCanKeepTheUnbiasedVariance() {
        RunningStats running = afterThreeBatches(BatchNormConfig.builder().decay(0.5)
                .runningVariance(RunningVariance.UNBIASED).build());
        // ch0: 1 -> 1.5 -> 1.75 -> 0.875;  ch1: 1 -> 4.5 -> 3.25 -> 10.625
        assertArrayEquals(new double[] {0.875, 10.625}, running.var(), 1e-12);
        // mean ch0: 0 -> 1 -> 3.5 -> 2.75;  ch1: 0 -> 1 -> 0.5 -> 3.25
        assertArrayEquals(new double[] {2.75, 3.25}, running.mean(), 1e-12);
    }

    @Test
    void cumulativeAverageIsThePopulationEstimateOfAlgorithm2() {
        RunningStats running = afterThreeBatches(BatchNormConfig.builder()
                .runningAverage(RunningAverage.CUMULATIVE).runningVariance(RunningVariance.UNBIASED).build());
        // the initial values carry no weight; each batch counts 1/3
        assertArrayEquals(new double[] {10.0 / 3, 8.0 / 3}, running.mean(), 1e-12);
        assertArrayEquals(new double[] {4.0 / 3, 28.0 / 3}, running.var(), 1e-12);
    }

    @Test
    void cumulativeAverageContinuesFromARestoredBatchCount() {
        BatchNormConfig config = BatchNormConfig.builder().runningAverage(RunningAverage.CUMULATIVE).build();
        RunningStats restored = RunningStats.of(new double[] {4, 0}, new double[] {2, 2}, 3);
        BatchStats batch = new BatchNormalizer(config).forwardTraining(Values.of(new double[] {8, 1, 8, 3}), SHAPE,
                new double[] {1, 1}, new double[] {0, 0}, null, Values.of(new double[4]));

        RunningStats next = restored.updated(batch, config);

        assertArrayEquals(new double[] {(4 * 3 + 8) / 4.0, (0 * 3 + 2) / 4.0}, next.mean(), 1e-12);
        assertArrayEquals(new double[] {(2 * 3 + 0) / 4.0, (2 * 3 + 1) / 4.0}, next.var(), 1e-12);
    }

    @Test
    void updateLeavesTheOriginalUnchanged() {
        RunningStats before = RunningStats.initial(2);
        BatchStats batch = new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(BATCHES[0]), SHAPE,
                new double[] {1, 1}, new double[] {0, 0}, null, Values.of(new double[4]));

        before.updated(batch, BatchNormConfig.defaults());

        assertArrayEquals(new double[] {0, 0}, before.mean());
        assertArrayEquals(new double[] {1, 1}, before.var());
    }

    @Test
    void rejectsBatchStatisticsWithAnotherChannelCount() {
        BatchStats threeChannels = new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(
                Values.of(new double[6]),
                Shape.of(Layout.NC, 2, 3), new double[3], new double[3], null, Values.of(new double[6]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningStats.initial(2).updated(threeChannels, BatchNormConfig.defaults()));
        assertTrue(e.getMessage().contains("3 channels"), e.getMessage());
    }

    @Test
    void rejectsNegativeVariance() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningStats.of(new double[] {0, 0}, new double[] {1, -0.5}, 0));
        assertTrue(e.getMessage().contains("channel 1 is negative"), e.getMessage());
    }
}
