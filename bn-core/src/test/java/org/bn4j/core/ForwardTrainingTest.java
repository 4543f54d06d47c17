package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardTrainingTest {
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void outputAndStatisticsMatchReference(Shape shape, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        ReferenceBatchNorm ref = new ReferenceBatchNorm(shape);

        DataType.Forward out = type.forwardTraining(bn, x, shape, gamma, beta);

        assertClose(ref.forwardTraining(x, gamma, beta, BatchNormConfig.DEFAULT_EPS), out.y(), type.tolerance, "y");
        assertClose(ref.mean(x), out.stats().mean(), Tolerances.F64, "mean");
        assertClose(ref.biasedVar(x), out.stats().biasedVar(), Tolerances.F64, "biased variance");
        assertEquals(shape.valuesPerChannel(), out.stats().count());
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void channelsLastGivesTheTransposeOfChannelsFirst(DataType type) {
        int n = 3, c = 5, h = 7, w = 4;
        Shape nchw = Shape.of(Layout.NCHW, n, c, h, w);
        Shape nhwc = Shape.of(Layout.NHWC, n, h, w, c);
        double[] x = type.representable(TestData.activations(nchw, TestData.SEED));
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);

        double[] yFirst = type.forwardTraining(bn, x, nchw, gamma, beta).y();
        double[] yLast = type.forwardTraining(bn, toNhwc(x, n, c, h * w), nhwc, gamma, beta).y();

        assertClose(toNhwc(yFirst, n, c, h * w), yLast, type.tolerance, "NHWC output");
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void constantChannelNormalizesToBeta(DataType type) {
        Shape shape = Shape.of(Layout.NCHW, 4, 2, 3, 3);
        double[] x = TestData.activations(shape, TestData.SEED);
        ReferenceBatchNorm ref = new ReferenceBatchNorm(shape);
        for (int i = 0; i < x.length; i++) {
            if (ref.channelOf[i] == 1) {
                x[i] = 7.25;
            }
        }
        double[] beta = {0.5, -0.75};

        DataType.Forward out = type.forwardTraining(bn, x, shape, new double[] {1.5, 2}, beta);

        assertEquals(0.0, out.stats().biasedVar()[1]);
        for (int i = 0; i < x.length; i++) {
            if (ref.channelOf[i] == 1) {
                assertEquals(-0.75, out.y()[i], 0.0, "constant channel at " + i);
            }
        }
    }

    @Test
    void outputMayOverwriteInput() {
        Shape shape = Shape.of(Layout.NHWC, 3, 4, 5, 6);
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        double[] gamma = TestData.uniform(6, 0.5, 2, 1);
        double[] beta = TestData.uniform(6, -1, 1, 2);
        float[] separate = new float[x.length];
        bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(separate));

        bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(x));

        assertEquals(Arrays.toString(separate), Arrays.toString(x));
    }

    @Test
    void lockedGammaAndBetaAreTheConstantsOfTheConfig() {
        Shape shape = Shape.of(Layout.NC, 6, 3);
        double[] x = TestData.activations(shape, TestData.SEED);
        BatchNormalizer locked = new BatchNormalizer(BatchNormConfig.builder().lockGammaBeta(2.5, -1).build());

        double[] y = new double[x.length];
        locked.forwardTraining(Values.of(x), shape, null, null, null, Values.of(y));

        double[] expected = new ReferenceBatchNorm(shape).forwardTraining(x, new double[] {2.5, 2.5, 2.5},
                new double[] {-1, -1, -1}, BatchNormConfig.DEFAULT_EPS);
        assertClose(expected, y, Tolerances.F64, "y with locked gamma and beta");
    }

    @ParameterizedTest
    @EnumSource(DataType.class)
    void epsEntersTheInverseStandardDeviation(DataType type) {
        Shape shape = Shape.of(Layout.NC, 4, 2);
        double[] x = {0, 10, 1, 20, 2, 30, 3, 40};
        BatchNormalizer wideEps = new BatchNormalizer(BatchNormConfig.builder().eps(0.75).build());

        DataType.Forward out = type.forwardTraining(wideEps, x, shape, new double[] {1, 1}, new double[] {0, 0});

        // channel 0: values 0..3, mean 1.5, biased variance 1.25, so invStd = 1/sqrt(1.25 + 0.75)
        assertEquals(1 / Math.sqrt(2.0), out.stats().invStd()[0], 1e-15);
        assertEquals(-1.5 / Math.sqrt(2.0), out.y()[0], type.tolerance);
    }

    static double[] toNhwc(double[] nchw, int n, int c, int spatial) {
        double[] out = new double[nchw.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                for (int s = 0; s < spatial; s++) {
                    out[(i * spatial + s) * c + ch] = nchw[(i * c + ch) * spatial + s];
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void trainingOutputBoundHoldsForEveryOutput(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, -3, 3, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        BatchNormalizer renormGhosts = TestData.renormWithGhostBatches(shape);
        RunningStats running = RunningStats.of(TestData.uniform(c, -5, 5, 3), TestData.uniform(c, 0.01, 9, 4), 7);
        for (BatchNormalizer each : new BatchNormalizer[] {bn, renormGhosts}) {
            double[] y = new double[x.length];
            BatchStats stats = each.forwardTraining(Values.of(x), shape, gamma, beta, running, Values.of(y));

            double bound = each.trainingOutputBound(stats, gamma, beta);

            double largest = Arrays.stream(y).map(Math::abs).max().orElseThrow();
            org.junit.jupiter.api.Assertions.assertTrue(largest <= bound,
                    "largest |y| " + largest + " exceeds the bound " + bound);
        }
    }
}
