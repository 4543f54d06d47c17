package org.bn4j.core;

import java.util.function.ToDoubleFunction;

/** Central finite differences, the independent check of every analytic gradient. */
final class FiniteDifferences {
    private static final double STEP = 1e-5;

    private FiniteDifferences() {
    }

    /**
     * @return {@code sum(weights * y)}, y the training-mode output of {@code bn}: a loss whose gradient with respect to
     * y is {@code weights}
     */
    static double weightedOutputSum(BatchNormalizer bn, double[] x, Shape shape, double[] gamma, double[] beta,
                                    double[] weights) {
        double[] y = new double[x.length];
        bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(y));
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            sum += weights[i] * y[i];
        }
        return sum;
    }

    /** @return {@code (f(at + h e_i) - f(at - h e_i)) / 2h} for every i */
    static double[] gradient(double[] at, ToDoubleFunction<double[]> f) {
        double[] grad = new double[at.length];
        for (int i = 0; i < at.length; i++) {
            double[] plus = at.clone();
            double[] minus = at.clone();
            plus[i] += STEP;
            minus[i] -= STEP;
            grad[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * STEP);
        }
        return grad;
    }
}
