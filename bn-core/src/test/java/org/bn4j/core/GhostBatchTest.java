package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Ghost batches (Hoffer et al. 2017): each run of consecutive examples is normalized as a batch of its own. */
class GhostBatchTest {
    private static final double EPS = BatchNormConfig.DEFAULT_EPS;

    /** Shapes of every layout with a ghost size that divides the batch; the last two take the parallel path. */
    static Stream<Arguments> shapesWithGhostSizes() {
        Stream<Arguments> cases = Stream.of(
                Arguments.of(Shape.of(Layout.NC, 12, 5), 4),
                Arguments.of(Shape.of(Layout.NCW, 6, 3, 5), 2),
                Arguments.of(Shape.of(Layout.NWC, 6, 3, 5), 3),
                Arguments.of(Shape.of(Layout.NCHW, 4, 3, 5, 7), 2),
                Arguments.of(Shape.of(Layout.NHWC, 4, 3, 5, 7), 1),
                Arguments.of(Shape.of(Layout.NCDHW, 4, 2, 3, 2, 3), 2),
                Arguments.of(Shape.of(Layout.NDHWC, 4, 2, 3, 2, 3), 2),
                Arguments.of(Shape.of(Layout.NC, 4096, 17), 512),
                Arguments.of(Shape.of(Layout.NCHW, 8, 4, 33, 31), 4));
        return cases.flatMap(a -> Stream.of(DataType.values()).map(t -> Arguments.of(a.get()[0], a.get()[1], t)));
    }

    private static BatchNormalizer ghosts(int size) {
        return new BatchNormalizer(BatchNormConfig.builder().ghostBatchSize(size).build());
    }

    /** The reference's shape of one ghost batch, built from the dimensions (not by the code under test). */
    private static Shape ghostShape(Shape shape, int ghost) {
        int[] dims = shape.dims();
        dims[0] = ghost;
        return Shape.of(shape.layout(), dims);
    }

    @ParameterizedTest(name = "{0} ghost {1} {2}")
    @MethodSource("shapesWithGhostSizes")
    void forwardNormalizesEachGhostBatchWithItsOwnStatistics(Shape shape, int ghost, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);

        DataType.Forward out = type.forwardTraining(ghosts(ghost), x, shape, gamma, beta);

        Shape part = ghostShape(shape, ghost);
        ReferenceBatchNorm ref = new ReferenceBatchNorm(part);
        int len = part.size();
        double[] expected = new double[x.length];
        double[] meanOfMeans = new double[shape.channels()];
        for (int g = 0; g < shape.batch() / ghost; g++) {
            double[] slice = Arrays.copyOfRange(x, g * len, (g + 1) * len);
            System.arraycopy(ref.forwardTraining(slice, gamma, beta, EPS), 0, expected, g * len, len);
            assertClose(ref.mean(slice), out.stats().ghost(g).mean(), 1e-9, "mean of ghost batch " + g);
            double[] mean = ref.mean(slice);
            for (int ch = 0; ch < mean.length; ch++) {
                meanOfMeans[ch] += mean[ch] / (shape.batch() / ghost);
            }
        }
        assertClose(expected, out.y(), type.tolerance * 10, "y");
        assertEquals(shape.batch() / ghost, out.stats().ghostBatches());
        assertEquals(part.valuesPerChannel(), out.stats().count(), "count is per ghost batch");
        assertClose(meanOfMeans, out.stats().mean(), 1e-9, "batch mean is the average of the ghost means");
    }

    @ParameterizedTest(name = "{0} ghost {1} {2}")
    @MethodSource("shapesWithGhostSizes")
    void backwardIsEachGhostBatchsGradientWithParameterGradientsSummed(Shape shape, int ghost, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        double[] dy = type.representable(TestData.uniform(shape.size(), -1, 1, 5));
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        BatchNormalizer bn = ghosts(ghost);
        BatchStats saved = type.forwardTraining(bn, x, shape, gamma, new double[c]).stats();

        DataType.Backward out = type.backward(bn, x, dy, shape, gamma, new double[c], saved);

        Shape part = ghostShape(shape, ghost);
        ReferenceBatchNorm ref = new ReferenceBatchNorm(part);
        int len = part.size();
        double[] dx = new double[x.length];
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        for (int g = 0; g < shape.batch() / ghost; g++) {
            double[][] grads = ref.backward(Arrays.copyOfRange(x, g * len, (g + 1) * len),
                    Arrays.copyOfRange(dy, g * len, (g + 1) * len), gamma, EPS);
            System.arraycopy(grads[0], 0, dx, g * len, len);
            for (int ch = 0; ch < c; ch++) {
                dGamma[ch] += grads[1][ch];
                dBeta[ch] += grads[2][ch];
            }
        }
        double sumTolerance = type.tolerance * Math.sqrt(shape.valuesPerChannel());
        assertClose(dx, out.dx(), type.tolerance * 10, "dx");
        assertClose(dGamma, out.grads().dGamma(), sumTolerance, "dGamma");
        assertClose(dBeta, out.grads().dBeta(), sumTolerance, "dBeta");
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        Shape shape = Shape.of(Layout.NCHW, 4, 2, 2, 3);
        BatchNormalizer bn = ghosts(2);
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] weights = TestData.uniform(shape.size(), -1, 1, 6);
        double[] gamma = {0.7, 1.9};
        double[] beta = {0.3, -0.4};
        BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(new double[x.length]));
        double[] dx = new double[x.length];

        ParamGradients grads = bn.backward(Values.of(x), Values.of(weights), shape, gamma, beta, saved, Values.of(dx));

        assertClose(
                FiniteDifferences.gradient(x,
                        v -> FiniteDifferences.weightedOutputSum(bn, v, shape, gamma, beta, weights)),
                dx,
                Tolerances.FINITE_DIFFERENCE, "dx");
        assertClose(
                FiniteDifferences.gradient(gamma,
                        g -> FiniteDifferences.weightedOutputSum(bn, x, shape, g, beta, weights)),
                grads.dGamma(),
                Tolerances.FINITE_DIFFERENCE, "dGamma");
        assertClose(
                FiniteDifferences.gradient(beta,
                        b -> FiniteDifferences.weightedOutputSum(bn, x, shape, gamma, b, weights)),
                grads.dBeta(),
                Tolerances.FINITE_DIFFERENCE, "dBeta");
    }

    @Test
    void runningStatisticsTakeTheAverageGhostStatisticsWithTheGhostBatchsBesselCorrection() {
        Shape shape = Shape.of(Layout.NCW, 6, 2, 4);
        double[] x = TestData.activations(shape, TestData.SEED);
        BatchNormConfig config = BatchNormConfig.builder().ghostBatchSize(3).decay(0)
                .runningVariance(RunningVariance.UNBIASED).build();
        BatchStats stats = new BatchNormalizer(config).forwardTraining(Values.of(x), shape, new double[] {1, 1},
                new double[2], null,
                Values.of(new double[x.length]));

        RunningStats next = RunningStats.initial(2).updated(stats, config);

        ReferenceBatchNorm ref = new ReferenceBatchNorm(ghostShape(shape, 3));
        int len = 3 * 2 * 4;
        double[] first = Arrays.copyOfRange(x, 0, len);
        double[] second = Arrays.copyOfRange(x, len, 2 * len);
        double m = 3 * 4;
        for (int ch = 0; ch < 2; ch++) {
            assertEquals((ref.mean(first)[ch] + ref.mean(second)[ch]) / 2, next.mean()[ch], 1e-12);
            assertEquals((ref.biasedVar(first)[ch] + ref.biasedVar(second)[ch]) / 2 * m / (m - 1), next.var()[ch],
                    1e-12);
        }
    }

    @Test
    void aGhostBatchAsLargeAsTheBatchIsPlainBatchNorm() {
        Shape shape = Shape.of(Layout.NCHW, 4, 3, 5, 5);
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        double[] gamma = {1, 2, 3};
        double[] beta = {0, 1, 2};
        float[] yGhost = new float[x.length];
        ghosts(4).forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(yGhost));
        float[] yPlain = new float[x.length];
        new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x), shape, gamma, beta, null,
                Values.of(yPlain));
        assertArrayEquals(yPlain, yGhost);
    }

    @Nested
    class BadInput {
        private final Shape shape = Shape.of(Layout.NCHW, 6, 2, 2, 2);
        private final float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        private final double[] gamma = {1, 1};
        private final double[] beta = {0, 0};

        private void assertRejected(String expected, Runnable call) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains(expected),
                    "message should contain '" + expected + "': " + e.getMessage());
        }

        @Test
        void ghostLargerThanTheBatch() {
            assertRejected("the ghost batch size 8 is larger than the batch of 6",
                    () -> ghosts(8).forwardTraining(Values.of(x), shape, gamma, beta, null,
                            Values.of(new float[x.length])));
        }

        @Test
        void ghostNotDividingTheBatch() {
            assertRejected("the ghost batch size 4 does not divide the batch of 6",
                    () -> ghosts(4).forwardTraining(Values.of(x), shape, gamma, beta, null,
                            Values.of(new float[x.length])));
        }

        @Test
        void negativeGhostSize() {
            assertRejected("ghostBatchSize must be >= 0", () -> BatchNormConfig.builder().ghostBatchSize(-2).build());
        }

        @Test
        void ghostBatchWithOneValuePerChannel() {
            Shape rows = Shape.of(Layout.NC, 6, 2);
            assertRejected("in each ghost batch of NC[6, 2]",
                    () -> ghosts(1).forwardTraining(Values.of(new float[12]), rows, gamma, beta, null,
                            Values.of(new float[12])));
        }

        @Test
        void nonFiniteValueInTheLastGhostBatchLeavesTheOutputUntouched() {
            float[] bad = x.clone();
            bad[bad.length - 1] = Float.NaN;
            float[] y = new float[x.length];
            Arrays.fill(y, 42.5f);
            NonFiniteInputException e = assertThrows(NonFiniteInputException.class,
                    () -> ghosts(2).forwardTraining(Values.of(bad), shape, gamma, beta, null, Values.of(y)));
            assertTrue(e.getMessage().contains(String.valueOf(bad.length - 1)), e.getMessage());
            for (float v : y) {
                assertEquals(42.5f, v, "y was written before the input was rejected");
            }
        }
    }
}
