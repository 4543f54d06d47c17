package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PopulationStatsTest {
    private static final BatchNormalizer BN = new BatchNormalizer(BatchNormConfig.defaults());
    private static final Shape TWO_BY_TWO = Shape.of(Layout.NC, 2, 2);
    /** The batches of {@link RunningStatsTest}: [N=2, C=2], means ch0 {2, 6, 2}, ch1 {2, 0, 6}; biased vars ch0 {1, 1, 0}, ch1 {4, 1, 9}. */
    private static final double[][] EQUAL_BATCHES = {{1, 0, 3, 4}, {5, -1, 7, 1}, {2, 3, 2, 9}};

    private static BatchStats stats(double[] x, Shape shape) {
        int c = shape.channels();
        return BN.forwardTraining(Values.of(x), shape, new double[c], new double[c], null,
                Values.of(new double[x.length]));
    }

    private static PopulationStats ofEqualBatches() {
        PopulationStats population = new PopulationStats(2);
        for (double[] x : EQUAL_BATCHES) {
            population.add(stats(x, TWO_BY_TWO));
        }
        return population;
    }

    /** Batches of one layout whose batch sizes differ, as when an iterator's last batch is smaller. */
    static Stream<Arguments> unequalBatches() {
        List<Arguments> cases = new ArrayList<>();
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            for (RunningVariance variance : RunningVariance.values()) {
                cases.add(Arguments.of(
                        List.of(Shape.of(Layout.NC, 7, 3), Shape.of(Layout.NC, 7, 3), Shape.of(Layout.NC, 2, 3)), type,
                        variance));
                cases.add(Arguments.of(List.of(Shape.of(Layout.NCHW, 4, 5, 3, 2), Shape.of(Layout.NCHW, 1, 5, 3, 2),
                        Shape.of(Layout.NCHW, 3, 5, 3, 2)), type, variance));
                cases.add(Arguments.of(List.of(Shape.of(Layout.NHWC, 3, 2, 4, 5), Shape.of(Layout.NHWC, 2, 2, 4, 5)),
                        type, variance));
                cases.add(Arguments.of(List.of(Shape.of(Layout.NWC, 5, 3, 4), Shape.of(Layout.NWC, 5, 7, 4)), type,
                        variance));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("unequalBatches")
    void estimateMatchesPooledReferenceForUnequalBatches(List<Shape> shapes, DataType type, RunningVariance variance) {
        int c = shapes.get(0).channels();
        PopulationStats population = new PopulationStats(c);
        // Reference: every value pooled, the within-batch squares summed batch by batch, in plain double loops.
        double[] sum = new double[c];
        double[] withinSquares = new double[c];
        long count = 0;
        for (int b = 0; b < shapes.size(); b++) {
            Shape shape = shapes.get(b);
            double[] x = type.representable(TestData.activations(shape, TestData.SEED + b));
            population.add(type.forwardTraining(BN, x, shape, new double[c], new double[c]).stats());

            double[] batchMean = new double[c];
            for (int i = 0; i < x.length; i++) {
                batchMean[shape.channelOf(i)] += x[i] / shape.valuesPerChannel();
                sum[shape.channelOf(i)] += x[i];
            }
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - batchMean[shape.channelOf(i)];
                withinSquares[shape.channelOf(i)] += d * d;
            }
            count += shape.valuesPerChannel();
        }
        double divisor = variance == RunningVariance.UNBIASED ? count - shapes.size() : count;
        double[] expectedMean = new double[c];
        double[] expectedVar = new double[c];
        for (int ch = 0; ch < c; ch++) {
            expectedMean[ch] = sum[ch] / count;
            expectedVar[ch] = withinSquares[ch] / divisor;
        }

        RunningStats estimate = population.estimate(variance);

        assertClose(expectedMean, estimate.mean(), Tolerances.F64, "population mean");
        assertClose(expectedVar, estimate.var(), Tolerances.F64, "population variance");
        assertEquals(shapes.size(), estimate.batches());
        assertEquals(count, population.count());
    }

    @Test
    void equalBatchesGiveAlgorithm2() {
        RunningStats unbiased = ofEqualBatches().estimate(RunningVariance.UNBIASED);
        RunningStats biased = ofEqualBatches().estimate(RunningVariance.BIASED);

        // E[x] = mean of the batch means; Var[x] = m/(m-1) * mean of the batch variances, m = 2
        assertArrayEquals(new double[] {10.0 / 3, 8.0 / 3}, unbiased.mean(), 1e-12);
        assertArrayEquals(new double[] {2 * 2.0 / 3, 2 * 14.0 / 3}, unbiased.var(), 1e-12);
        assertArrayEquals(new double[] {2.0 / 3, 14.0 / 3}, biased.var(), 1e-12);
        assertArrayEquals(unbiased.mean(), biased.mean());
    }

    @Test
    void equalBatchesAgreeWithTheCumulativeRunningAverage() {
        BatchNormConfig cumulative = BatchNormConfig.builder().runningAverage(RunningAverage.CUMULATIVE)
                .runningVariance(RunningVariance.UNBIASED).build();
        RunningStats running = RunningStats.initial(2);
        for (double[] x : EQUAL_BATCHES) {
            running = running.updated(stats(x, TWO_BY_TWO), cumulative);
        }

        RunningStats estimate = ofEqualBatches().estimate(RunningVariance.UNBIASED);

        assertArrayEquals(running.mean(), estimate.mean(), 1e-12);
        assertArrayEquals(running.var(), estimate.var(), 1e-12);
        assertEquals(running.batches(), estimate.batches());
    }

    @Test
    void smallerLastBatchWeighsByItsValueCount() {
        PopulationStats population = new PopulationStats(1);
        population.add(stats(new double[] {1, 3}, Shape.of(Layout.NC, 2, 1)));          // mean 2, biased var 1
        population.add(stats(new double[] {5, 7, 9, 11}, Shape.of(Layout.NC, 4, 1)));   // mean 8, biased var 5

        // mean (2*2 + 4*8) / 6 = 6, not the unweighted 5; biased (2*1 + 4*5) / 6; unbiased (2*1 + 4*5) / (6 - 2)
        assertArrayEquals(new double[] {6}, population.estimate(RunningVariance.BIASED).mean(), 1e-12);
        assertArrayEquals(new double[] {22.0 / 6}, population.estimate(RunningVariance.BIASED).var(), 1e-12);
        assertArrayEquals(new double[] {22.0 / 4}, population.estimate(RunningVariance.UNBIASED).var(), 1e-12);
    }

    @Test
    void ghostBatchesCountAsTheBatchesTheyWereNormalizedAs() {
        BatchNormalizer ghosts = new BatchNormalizer(BatchNormConfig.builder().ghostBatchSize(2).build());
        Shape eight = Shape.of(Layout.NCW, 8, 3, 5);
        Shape four = Shape.of(Layout.NCW, 4, 3, 5);
        Shape ghost = Shape.of(Layout.NCW, 2, 3, 5);
        double[] big = TestData.activations(eight, TestData.SEED);
        double[] small = TestData.activations(four, TestData.SEED + 1);
        PopulationStats withGhosts = new PopulationStats(3);
        withGhosts.add(ghosts.forwardTraining(Values.of(big), eight, new double[3], new double[3], null,
                Values.of(new double[big.length])));
        withGhosts.add(ghosts.forwardTraining(Values.of(small), four, new double[3], new double[3], null,
                Values.of(new double[small.length])));

        // The same values added ghost batch by ghost batch: six batches of 2 examples.
        PopulationStats separately = new PopulationStats(3);
        for (double[] x : new double[][] {big, small}) {
            for (int from = 0; from < x.length; from += ghost.size()) {
                separately.add(stats(java.util.Arrays.copyOfRange(x, from, from + ghost.size()), ghost));
            }
        }

        for (RunningVariance variance : RunningVariance.values()) {
            assertClose(separately.estimate(variance).mean(), withGhosts.estimate(variance).mean(), 1e-13,
                    variance + " mean");
            assertClose(separately.estimate(variance).var(), withGhosts.estimate(variance).var(), 1e-13,
                    variance + " variance");
        }
        assertEquals(2, withGhosts.batches());
        assertEquals(separately.count(), withGhosts.count());
    }

    @Test
    void orderOfBatchesDoesNotChangeTheEstimate() {
        PopulationStats forward = new PopulationStats(3);
        PopulationStats backward = new PopulationStats(3);
        List<BatchStats> batches = unequalNcwBatches();
        for (int b = 0; b < batches.size(); b++) {
            forward.add(batches.get(b));
            backward.add(batches.get(batches.size() - 1 - b));
        }

        // bit for bit: the sums are exact until the estimate rounds them
        RunningStats expected = forward.estimate(RunningVariance.UNBIASED);
        assertArrayEquals(expected.mean(), backward.estimate(RunningVariance.UNBIASED).mean());
        assertArrayEquals(expected.var(), backward.estimate(RunningVariance.UNBIASED).var());
    }

    /** Five batches of different sizes, as two or more workers' shares of one pass over the data. */
    private static List<BatchStats> unequalNcwBatches() {
        List<BatchStats> batches = new ArrayList<>();
        for (int b = 0; b < 5; b++) {
            Shape shape = Shape.of(Layout.NCW, 2 + b, 3, 4);
            batches.add(stats(TestData.activations(shape, TestData.SEED + b), shape));
        }
        return batches;
    }

    @ParameterizedTest(name = "split after batches {0}")
    @MethodSource("splits")
    void mergingWorkersAccumulatorsGivesBitForBitTheEstimateOfOneAccumulatorOfEveryBatch(List<Integer> splitPoints) {
        List<BatchStats> batches = unequalNcwBatches();
        PopulationStats whole = new PopulationStats(3);
        batches.forEach(whole::add);
        PopulationStats merged = new PopulationStats(3);
        int from = 0;
        for (int to : splitPoints) {
            PopulationStats worker = new PopulationStats(3);
            batches.subList(from, to).forEach(worker::add);
            merged.merge(worker);
            from = to;
        }

        assertEquals(whole.batches(), merged.batches());
        assertEquals(whole.count(), merged.count());
        for (RunningVariance variance : RunningVariance.values()) {
            assertArrayEquals(whole.estimate(variance).mean(), merged.estimate(variance).mean(), "mean");
            assertArrayEquals(whole.estimate(variance).var(), merged.estimate(variance).var(), "variance");
        }
    }

    /** Where the five batches are cut among workers; a worker may get none. */
    static Stream<List<Integer>> splits() {
        return Stream.of(List.of(5), List.of(2, 5), List.of(1, 3, 5), List.of(0, 4, 4, 5));
    }

    @Test
    void mergingGhostBatchesKeepsTheirCountOfNormalizedGroups() {
        BatchNormalizer ghosts = new BatchNormalizer(BatchNormConfig.builder().ghostBatchSize(2).build());
        Shape shape = Shape.of(Layout.NC, 6, 2);
        double[] x = TestData.activations(shape, TestData.SEED);
        PopulationStats whole = new PopulationStats(2);
        PopulationStats worker = new PopulationStats(2);
        whole.add(stats(EQUAL_BATCHES[0], TWO_BY_TWO));
        whole.add(ghosts.forwardTraining(Values.of(x), shape, new double[2], new double[2], null,
                Values.of(new double[x.length])));
        worker.add(ghosts.forwardTraining(Values.of(x), shape, new double[2], new double[2], null,
                Values.of(new double[x.length])));
        PopulationStats merged = new PopulationStats(2);
        merged.add(stats(EQUAL_BATCHES[0], TWO_BY_TWO));
        merged.merge(worker);

        assertArrayEquals(whole.estimate(RunningVariance.UNBIASED).var(),
                merged.estimate(RunningVariance.UNBIASED).var());
    }

    @Test
    void mergingAnAccumulatorIntoItselfIsRefused() {
        PopulationStats population = ofEqualBatches();

        assertThrows(IllegalArgumentException.class, () -> population.merge(population));
        assertEquals(3, population.batches());
    }

    @Test
    void mergingAnEmptyAccumulatorChangesNothing() {
        PopulationStats population = ofEqualBatches();
        RunningStats before = population.estimate(RunningVariance.UNBIASED);

        population.merge(new PopulationStats(2));

        assertEquals(3, population.batches());
        assertArrayEquals(before.mean(), population.estimate(RunningVariance.UNBIASED).mean());
        assertArrayEquals(before.var(), population.estimate(RunningVariance.UNBIASED).var());
    }

    @Test
    void rejectsMergingAnotherChannelCountAndKeepsWhatItHad() {
        PopulationStats population = ofEqualBatches();
        PopulationStats threeChannels = new PopulationStats(3);
        threeChannels.add(stats(new double[] {1, 2, 3, 4, 5, 7}, Shape.of(Layout.NC, 2, 3)));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> population.merge(threeChannels));

        assertTrue(e.getMessage().contains("3 channels") && e.getMessage().contains("have 2"), e.getMessage());
        assertEquals(3, population.batches());
    }

    @Test
    void survivesJavaSerializationUnchanged() throws IOException, ClassNotFoundException {
        PopulationStats population = ofEqualBatches();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(population);
        }
        PopulationStats copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (PopulationStats) in.readObject();
        }

        assertEquals(population.batches(), copy.batches());
        RunningStats expected = population.estimate(RunningVariance.UNBIASED);
        assertArrayEquals(expected.mean(), copy.estimate(RunningVariance.UNBIASED).mean());
        assertArrayEquals(expected.var(), copy.estimate(RunningVariance.UNBIASED).var());
    }

    @Test
    void countsBatchesAndValues() {
        PopulationStats population = ofEqualBatches();

        assertEquals(3, population.batches());
        assertEquals(6, population.count());
        assertEquals(3, population.estimate(RunningVariance.BIASED).batches());
    }

    @Test
    void estimateBeforeAnyBatchIsAnError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new PopulationStats(2).estimate(RunningVariance.UNBIASED));
        assertTrue(e.getMessage().contains("no batch"), e.getMessage());
    }

    @Test
    void rejectsBatchStatisticsWithAnotherChannelCount() {
        BatchStats threeChannels = stats(new double[6], Shape.of(Layout.NC, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PopulationStats(2).add(threeChannels));
        assertTrue(e.getMessage().contains("3 channels") && e.getMessage().contains("have 2"), e.getMessage());
    }

    @Test
    void rejectsNonFiniteBatchStatisticsAndKeepsWhatItHad() {
        BatchNormalizer propagating = new BatchNormalizer(
                BatchNormConfig.builder().nonFinitePolicy(NonFinitePolicy.PROPAGATE).build());
        BatchStats withNaN = propagating.forwardTraining(Values.of(new double[] {1, 2, Double.NaN, 4}), TWO_BY_TWO,
                new double[2], new double[2], null, Values.of(new double[4]));
        PopulationStats population = ofEqualBatches();
        RunningStats before = population.estimate(RunningVariance.UNBIASED);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> population.add(withNaN));

        assertTrue(e.getMessage().contains("non-finite") && e.getMessage().contains("channel 0"), e.getMessage());
        assertEquals(3, population.batches());
        assertArrayEquals(before.mean(), population.estimate(RunningVariance.UNBIASED).mean());
        assertArrayEquals(before.var(), population.estimate(RunningVariance.UNBIASED).var());
    }

    @Test
    void rejectsFewerThanOneChannel() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PopulationStats(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
    }
}
