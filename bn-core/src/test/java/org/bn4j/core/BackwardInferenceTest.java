package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** With statistics held constant, BN is one affine map per channel and its gradient is that map's. */
class BackwardInferenceTest {
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#small")
    void gradientsMatchCentralFiniteDifferencesOfTheInferenceOutput(Shape shape) {
        int c = shape.channels();
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] weights = TestData.uniform(shape.size(), -1, 1, 6);
        double[] gamma = TestData.uniform(c, 0.5, 2, 1);
        double[] beta = TestData.uniform(c, -1, 1, 2);
        RunningStats running = RunningStats.of(TestData.uniform(c, -1, 1, 3), TestData.uniform(c, 0.5, 3, 4), 7);
        double[] dx = new double[x.length];

        ParamGradients grads = bn.backwardInference(Values.of(x), Values.of(weights), shape, gamma, beta, running,
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
        bn.forwardInference(Values.of(x), shape, gamma, beta, running, Values.of(y));
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += weights[i] * y[i];
        }
        return sum;
    }

}
