package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class BackwardTest {
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void gradientsMatchThePapersChainRule(Shape shape, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        double[] dy = type.representable(TestData.uniform(shape.size(), -1, 1, 5));
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        BatchStats saved = type.forwardTraining(bn, x, shape, gamma, beta).stats();

        DataType.Backward out = type.backward(bn, x, dy, shape, gamma, beta, saved);

        double[][] expected = new ReferenceBatchNorm(shape).backward(x, dy, gamma, BatchNormConfig.DEFAULT_EPS);
        // Sums of thousands of terms: scale the tolerance with their magnitude.
        double sumTolerance = type.tolerance * Math.sqrt(shape.valuesPerChannel());
        assertClose(expected[0], out.dx(), type.tolerance * 10, "dx");
        assertClose(expected[1], out.grads().dGamma(), sumTolerance, "dGamma");
        assertClose(expected[2], out.grads().dBeta(), sumTolerance, "dBeta");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#small")
    void gradientsMatchCentralFiniteDifferences(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] weights = TestData.uniform(shape.size(), -1, 1, 6);   // loss = sum(weights * y)
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(new double[x.length]));
        double[] dx = new double[x.length];

        ParamGradients grads = bn.backward(Values.of(x), Values.of(weights), shape, gamma, beta, saved, Values.of(dx));

        assertClose(FiniteDifferences.gradient(x, v -> loss(v, shape, gamma, beta, weights)), dx,
                Tolerances.FINITE_DIFFERENCE, "dx");
        assertClose(FiniteDifferences.gradient(gamma, g -> loss(x, shape, g, beta, weights)), grads.dGamma(),
                Tolerances.FINITE_DIFFERENCE, "dGamma");
        assertClose(FiniteDifferences.gradient(beta, b -> loss(x, shape, gamma, b, weights)), grads.dBeta(),
                Tolerances.FINITE_DIFFERENCE, "dBeta");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void inputGradientBoundHoldsForEveryValue(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] dy = TestData.uniform(shape.size(), -2, 2, 5);
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, -3, 3, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        BatchNormalizer renormGhosts = TestData.renormWithGhostBatches(shape);
        RunningStats running = RunningStats.of(TestData.uniform(c, -5, 5, 3), TestData.uniform(c, 0.01, 9, 4), 7);
        for (BatchNormalizer each : new BatchNormalizer[] {bn, renormGhosts}) {
            BatchStats saved = each.forwardTraining(Values.of(x), shape, gamma, beta, running,
                    Values.of(new double[x.length]));
            double[] dx = new double[x.length];

            double bound = each.backward(Values.of(x), Values.of(dy), shape, gamma, beta, saved, Values.of(dx))
                    .inputGradientBound();

            double largest = Arrays.stream(dx).map(Math::abs).max().orElseThrow();
            assertTrue(largest <= bound, "largest |dx| " + largest + " exceeds the bound " + bound);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void inputGradientBoundCoversTheCentredInputItComputesDxFrom(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        ReferenceBatchNorm reference = new ReferenceBatchNorm(shape);
        double[] mean = reference.mean(x);
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, new double[shape.channels()], null,
                Values.of(new double[x.length]));
        // dy = 0 leaves only the centred input in the bound
        double bound = bn.backward(Values.of(x), Values.of(new double[x.length]), shape, gamma,
                new double[shape.channels()], saved, Values.of(new double[x.length])).inputGradientBound();

        for (int i = 0; i < x.length; i++) {
            double centred = Math.abs(x[i] - mean[reference.channelOf[i]]);
            assertTrue(centred <= bound, "|x - mean| " + centred + " at " + i + " exceeds the bound " + bound);
        }
    }

    @Test
    void inputGradientBoundIsUnknownAfterAnInferencePass() {
        Shape shape = Shape.of(Layout.NCW, 4, 3, 5);
        double[] x = TestData.activations(shape, TestData.SEED);
        RunningStats running = RunningStats.of(new double[] {0, 1, 2}, new double[] {1, 2, 3}, 1);

        ParamGradients grads = bn.backwardInference(Values.of(x), Values.of(TestData.uniform(shape.size(), -1, 1, 5)),
                shape,
                new double[] {1, 2, 3}, new double[3], running, Values.of(new double[x.length]));

        // x - running.mean, an intermediate, is not measured: the caller has to look at dx itself.
        assertEquals(Double.POSITIVE_INFINITY, grads.inputGradientBound());
    }

    @Test
    void gradientMayOverwriteOutputGradient() {
        Shape shape = Shape.of(Layout.NCW, 4, 3, 5);
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] dy = TestData.uniform(shape.size(), -1, 1, 5);
        double[] gamma = {1, 2, 3};
        BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, new double[3], null,
                Values.of(new double[x.length]));
        double[] dx = new double[x.length];
        bn.backward(Values.of(x), Values.of(dy), shape, gamma, new double[3], saved, Values.of(dx));

        bn.backward(Values.of(x), Values.of(dy), shape, gamma, new double[3], saved, Values.of(dy));

        assertClose(dx, dy, 0x1p-52, "in-place dx");
    }

    private double loss(double[] x, Shape shape, double[] gamma, double[] beta, double[] weights) {
        return FiniteDifferences.weightedOutputSum(bn, x, shape, gamma, beta, weights);
    }

}
