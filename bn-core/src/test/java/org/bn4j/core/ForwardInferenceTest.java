package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ForwardInferenceTest {
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void usesRunningStatisticsNotTheBatch(Shape shape, DataType type) {
        double[] x = type.representable(TestData.activations(shape, TestData.SEED));
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        double[] runningMean = TestData.uniform(c, -2, 2, 3);
        double[] runningVar = TestData.uniform(c, 0.1, 5, 4);
        RunningStats running = RunningStats.of(runningMean, runningVar, 10);

        double[] y = type.forwardInference(bn, x, shape, gamma, beta, running);

        double[] expected = new ReferenceBatchNorm(shape).normalize(x, runningMean, runningVar, gamma, beta,
                BatchNormConfig.DEFAULT_EPS);
        assertClose(expected, y, type.tolerance, "inference output");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void outputBoundHoldsForEveryOutputAndTheCentredInput(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, -3, 3, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        double[] runningMean = TestData.uniform(c, -5, 5, 3);
        RunningStats running = RunningStats.of(runningMean, TestData.uniform(c, 0.01, 9, 4), 7);
        double[] y = new double[x.length];

        double bound = bn.forwardInference(Values.of(x), shape, gamma, beta, running, Values.of(y));

        double largest = Arrays.stream(y).map(Math::abs).max().orElseThrow();
        assertTrue(largest <= bound, "largest |y| " + largest + " exceeds the bound " + bound);
        int[] channelOf = new ReferenceBatchNorm(shape).channelOf;
        for (int i = 0; i < x.length; i++) {
            double centred = Math.abs(x[i] - runningMean[channelOf[i]]);
            assertTrue(centred <= bound, "|x - mean| " + centred + " at " + i + " exceeds the bound " + bound);
        }
    }

    @Test
    void outputBoundIsUnknownWhenNonFiniteValuesPropagate() {
        // PROPAGATE does not read x before normalizing it, so nothing bounds the output.
        BatchNormalizer lenient = new BatchNormalizer(
                BatchNormConfig.builder().nonFinitePolicy(NonFinitePolicy.PROPAGATE).build());
        Shape shape = Shape.of(Layout.NC, 3, 2);

        double bound = lenient.forwardInference(Values.of(new double[] {1, 2, 3, 4, 5, 6}), shape, new double[] {1, 1},
                new double[2], RunningStats.initial(2), Values.of(new double[6]));

        assertEquals(Double.POSITIVE_INFINITY, bound);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#all")
    void inferenceAffineIsTheInferenceTransform(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        int c = shape.channels();
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        RunningStats running = RunningStats.of(TestData.uniform(c, -2, 2, 3), TestData.uniform(c, 0.1, 5, 4), 10);

        ChannelAffine affine = bn.inferenceAffine(gamma, beta, running);

        ReferenceBatchNorm reference = new ReferenceBatchNorm(shape);
        double[] expected = reference.normalize(x, running.mean(), running.var(), gamma, beta,
                BatchNormConfig.DEFAULT_EPS);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = reference.channelOf[i];
            y[i] = affine.scale()[ch] * x[i] + affine.shift()[ch];
        }
        assertClose(expected, y, 1e-12, "affine output");
    }
}
