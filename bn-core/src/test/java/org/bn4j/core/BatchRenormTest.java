package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Batch renormalization (arXiv 1702.03275) against a reference written out from the paper's Algorithm 1. */
class BatchRenormTest {
    private static final double EPS = BatchNormConfig.DEFAULT_EPS;
    private static final double R_MAX = 1.5;
    private static final double D_MAX = 0.25;
    private final BatchNormalizer renorm = new BatchNormalizer(
            BatchNormConfig.builder().renorm(BatchRenorm.of(R_MAX, D_MAX)).build());
    private final BatchNormalizer plain = new BatchNormalizer(BatchNormConfig.defaults());

    /** The paper's corrections from reference statistics: {r, d} per channel. */
    private static double[][] corrections(ReferenceBatchNorm ref, double[] x, RunningStats running, double rMax,
                                          double dMax) {
        double[] mean = ref.mean(x);
        double[] var = ref.biasedVar(x);
        double[] r = new double[ref.channels];
        double[] d = new double[ref.channels];
        for (int ch = 0; ch < ref.channels; ch++) {
            double sigma = Math.sqrt(running.var()[ch] + EPS);
            r[ch] = Math.min(rMax, Math.max(1 / rMax, Math.sqrt(var[ch] + EPS) / sigma));
            d[ch] = Math.min(dMax, Math.max(-dMax, (mean[ch] - running.mean()[ch]) / sigma));
        }
        return new double[][] {r, d};
    }

    private static RunningStats someRunning(int c) {
        return RunningStats.of(TestData.uniform(c, -1, 1, 11), TestData.uniform(c, 0.2, 20, 12), 1000);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void forwardNormalizesThenAppliesTheClippedCorrections(Shape shape, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        RunningStats running = someRunning(c);

        DataType.Forward out = type.forwardTraining(renorm, x, shape, gamma, beta, running);

        ReferenceBatchNorm ref = new ReferenceBatchNorm(shape);
        double[][] rd = corrections(ref, x, running, R_MAX, D_MAX);
        double[] mean = ref.mean(x);
        double[] var = ref.biasedVar(x);
        double[] expected = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = ref.channelOf[i];
            expected[i] = gamma[ch] * ((x[i] - mean[ch]) / Math.sqrt(var[ch] + EPS) * rd[0][ch] + rd[1][ch]) + beta[ch];
        }
        assertClose(expected, out.y(), type.tolerance * 10, "y");
        assertClose(rd[0], out.stats().r(), 1e-9, "r");
        assertClose(rd[1], out.stats().d(), 1e-9, "d");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void backwardHoldsRAndDConstant(Shape shape, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        double[] dy = type.representable(TestData.uniform(shape.size(), -1, 1, 5));
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        RunningStats running = someRunning(c);
        BatchStats saved = type.forwardTraining(renorm, x, shape, gamma, new double[c], running).stats();

        DataType.Backward out = type.backward(renorm, x, dy, shape, gamma, new double[c], saved);

        // With r and d constant, y = (gamma * r) * xHat + (gamma * d + beta): plain BN with gamma scaled by r.
        ReferenceBatchNorm ref = new ReferenceBatchNorm(shape);
        double[][] rd = corrections(ref, x, running, R_MAX, D_MAX);
        double[] gammaR = new double[c];
        for (int ch = 0; ch < c; ch++) {
            gammaR[ch] = gamma[ch] * rd[0][ch];
        }
        double[][] plainGrads = ref.backward(x, dy, gammaR, EPS);
        double[] dGamma = new double[c];
        for (int ch = 0; ch < c; ch++) {
            dGamma[ch] = rd[0][ch] * plainGrads[1][ch] + rd[1][ch] * plainGrads[2][ch];
        }
        double sumTolerance = type.tolerance * Math.sqrt(shape.valuesPerChannel());
        assertClose(plainGrads[0], out.dx(), type.tolerance * 10, "dx");
        assertClose(dGamma, out.grads().dGamma(), sumTolerance, "dGamma");
        assertClose(plainGrads[2], out.grads().dBeta(), sumTolerance, "dBeta");
    }

    /** Where r and d sit at their bounds they are locally constant, so the true derivative is the paper's gradient. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#small")
    void gradientsMatchFiniteDifferencesWhereTheCorrectionsAreClipped(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        int c = shape.channels();
        double[] weights = TestData.uniform(shape.size(), -1, 1, 6);
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        // Running std 30 and mean 100: r = sigmaB / 30 clips to 1 / rMax, d = (muB - 100) / 30 clips to -dMax.
        double[] farMean = new double[c];
        double[] farVar = new double[c];
        java.util.Arrays.fill(farMean, 100);
        java.util.Arrays.fill(farVar, 900);
        RunningStats running = RunningStats.of(farMean, farVar, 10);
        BatchStats saved = renorm.forwardTraining(Values.of(x), shape, gamma, beta, running,
                Values.of(new double[x.length]));
        for (int ch = 0; ch < c; ch++) {
            assertEquals(1 / R_MAX, saved.r()[ch], 0, "r is clipped");
            assertEquals(-D_MAX, saved.d()[ch], 0, "d is clipped");
        }
        double[] dx = new double[x.length];

        ParamGradients grads = renorm.backward(Values.of(x), Values.of(weights), shape, gamma, beta, saved,
                Values.of(dx));

        assertClose(FiniteDifferences.gradient(x, v -> loss(v, shape, gamma, beta, running, weights)), dx,
                Tolerances.FINITE_DIFFERENCE, "dx");
        assertClose(FiniteDifferences.gradient(gamma, g -> loss(x, shape, g, beta, running, weights)), grads.dGamma(),
                Tolerances.FINITE_DIFFERENCE, "dGamma");
        assertClose(FiniteDifferences.gradient(beta, b -> loss(x, shape, gamma, b, running, weights)), grads.dBeta(),
                Tolerances.FINITE_DIFFERENCE, "dBeta");
    }

    private double loss(double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                        double[] weights) {
        double[] y = new double[x.length];
        renorm.forwardTraining(Values.of(x), shape, gamma, beta, running, Values.of(y));
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += weights[i] * y[i];
        }
        return sum;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void unclippedCorrectionsGiveTheInferenceTransform(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        RunningStats running = someRunning(c);
        BatchNormalizer wide = new BatchNormalizer(BatchNormConfig.builder().renorm(BatchRenorm.of(1e6, 1e6)).build());

        double[] training = new double[x.length];
        wide.forwardTraining(Values.of(x), shape, gamma, beta, running, Values.of(training));

        double[] inference = new double[x.length];
        plain.forwardInference(Values.of(x), shape, gamma, beta, running, Values.of(inference));
        assertClose(inference, training, 1e-9, "training output with unclipped r and d");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void rMaxOneAndDMaxZeroIsPlainBatchNorm(Shape shape) {
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        float[] dy = TestData.toFloat(TestData.uniform(shape.size(), -1, 1, 5));
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        BatchNormalizer trivial = new BatchNormalizer(BatchNormConfig.builder().renorm(BatchRenorm.of(1, 0)).build());

        float[] yRenorm = new float[x.length];
        BatchStats savedRenorm = trivial.forwardTraining(Values.of(x), shape, gamma, beta, someRunning(c),
                Values.of(yRenorm));
        float[] yPlain = new float[x.length];
        BatchStats savedPlain = plain.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(yPlain));
        float[] dxRenorm = new float[x.length];
        ParamGradients gradsRenorm = trivial.backward(Values.of(x), Values.of(dy), shape, gamma, beta, savedRenorm,
                Values.of(dxRenorm));
        float[] dxPlain = new float[x.length];
        ParamGradients gradsPlain = plain.backward(Values.of(x), Values.of(dy), shape, gamma, beta, savedPlain,
                Values.of(dxPlain));

        assertArrayEquals(yPlain, yRenorm);
        assertArrayEquals(dxPlain, dxRenorm);
        assertArrayEquals(gradsPlain.dGamma(), gradsRenorm.dGamma());
        assertArrayEquals(gradsPlain.dBeta(), gradsRenorm.dBeta());
    }

    @Test
    void warmUpIsPlainBatchNormUntilTheRampStarts() {
        Shape shape = Shape.of(Layout.NCHW, 4, 3, 5, 5);
        float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
        double[] gamma = {1, 2, 3};
        double[] beta = {0, 1, 2};
        BatchNormalizer scheduled = new BatchNormalizer(BatchNormConfig.builder()
                .renorm(BatchRenorm.of(3, 5).withWarmup(100, 50)).build());
        RunningStats far = RunningStats.of(new double[] {100, 100, 100}, new double[] {400, 400, 400}, 99);
        float[] yWarm = new float[x.length];
        scheduled.forwardTraining(Values.of(x), shape, gamma, beta, far, Values.of(yWarm));
        float[] yPlain = new float[x.length];
        plain.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(yPlain));
        assertArrayEquals(yPlain, yWarm, "step 99 is inside the warm-up");

        RunningStats farLater = RunningStats.of(far.mean(), far.var(), 125);
        BatchStats ramped = scheduled.forwardTraining(Values.of(x), shape, gamma, beta, farLater,
                Values.of(new float[x.length]));
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(1 / 2.0, ramped.r()[ch], 1e-15, "half-way up the ramp rMax is 2");
            assertEquals(-2.5, ramped.d()[ch], 1e-15, "half-way up the ramp dMax is 2.5");
        }
    }

    @Test
    void runningStatisticsTakeTheBatchStatisticsNotTheCorrectedOnes() {
        Shape shape = Shape.of(Layout.NC, 8, 3);
        double[] x = TestData.activations(shape, TestData.SEED);
        RunningStats running = someRunning(3);
        BatchStats withRenorm = renorm.forwardTraining(Values.of(x), shape, new double[] {1, 1, 1}, new double[3],
                running,
                Values.of(new double[x.length]));
        BatchStats withoutRenorm = plain.forwardTraining(Values.of(x), shape, new double[] {1, 1, 1}, new double[3],
                null, Values.of(new double[x.length]));

        RunningStats next = running.updated(withRenorm, renorm.config());

        RunningStats expected = running.updated(withoutRenorm, plain.config());
        assertArrayEquals(expected.mean(), next.mean());
        assertArrayEquals(expected.var(), next.var());
    }

    @Nested
    class Schedule {
        @Test
        void boundsRiseLinearlyAfterTheWarmUp() {
            BatchRenorm schedule = BatchRenorm.of(3, 5).withWarmup(5000, 20000);
            assertEquals(1, schedule.rMaxAt(0));
            assertEquals(0, schedule.dMaxAt(4999));
            assertEquals(1, schedule.rMaxAt(5000));
            assertEquals(2, schedule.rMaxAt(15000), 1e-12);
            assertEquals(2.5, schedule.dMaxAt(15000), 1e-12);
            assertEquals(3, schedule.rMaxAt(25000));
            assertEquals(5, schedule.dMaxAt(1_000_000));
        }

        @Test
        void withoutWarmUpTheBoundsHoldFromTheStart() {
            BatchRenorm schedule = BatchRenorm.of(3, 5);
            assertEquals(3, schedule.rMaxAt(0));
            assertEquals(5, schedule.dMaxAt(0));
        }
    }

    @Nested
    class BadOptions {
        private void assertRejected(String expected, Runnable call) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(e.getMessage().contains(expected),
                    "message should contain '" + expected + "': " + e.getMessage());
        }

        @Test
        void rMaxBelowOne() {
            assertRejected("rMax >= 1", () -> BatchRenorm.of(0.5, 0));
            assertRejected("rMax >= 1", () -> BatchRenorm.of(Double.NaN, 0));
            assertRejected("rMax >= 1", () -> BatchRenorm.of(Double.POSITIVE_INFINITY, 0));
        }

        @Test
        void negativeDMax() {
            assertRejected("dMax >= 0", () -> BatchRenorm.of(1, -0.1));
            assertRejected("dMax >= 0", () -> BatchRenorm.of(1, Double.NaN));
        }

        @Test
        void negativeWarmUp() {
            assertRejected("warm-up and ramp must be >= 0", () -> BatchRenorm.of(3, 5).withWarmup(-1, 10));
            assertRejected("warm-up and ramp must be >= 0", () -> BatchRenorm.of(3, 5).withWarmup(10, -1));
        }

        @Test
        void trainingWithoutRunningStatistics() {
            Shape shape = Shape.of(Layout.NC, 4, 2);
            float[] y = new float[8];
            assertRejected("batch renormalization needs the running statistics",
                    () -> renorm.forwardTraining(Values.of(new float[8]), shape, new double[] {1, 1}, new double[2],
                            null, Values.of(y)));
        }

        @Test
        void runningStatisticsForAnotherChannelCount() {
            Shape shape = Shape.of(Layout.NC, 4, 2);
            assertRejected("running statistics have 3 channels but NC[4, 2] has 2",
                    () -> renorm.forwardTraining(Values.of(new float[8]), shape, new double[] {1, 1}, new double[2],
                            RunningStats.initial(3), Values.of(new float[8])));
        }
    }
}
