package org.bn4j.core;

/**
 * The per-channel coefficients that fold the backward pass into one multiply-add per value,
 * {@code dx = g * dyScale + (x - mean) * xcScale + offset} with g the gradient through the activation: the kernels'
 * loops see these, never gamma or the statistics themselves.
 */
final class GradientCoefficients {
    /** {@code 1 / sqrt(var + eps)} of the statistics the forward pass normalized with. */
    final double[] invStd;
    /** {@code gamma * invStd}, times r under renorm. */
    final double[] dyScale;
    /** {@code -dyScale * invStd^2 * sum(g * (x - mean)) / m}: the {@code xHat * dGamma / m} term. */
    final double[] xcScale;
    /** {@code -dyScale * sum(g) / m}: the {@code dBeta / m} term. */
    final double[] offset;

    private GradientCoefficients(double[] invStd, double[] dyScale, double[] xcScale, double[] offset) {
        this.invStd = invStd;
        this.dyScale = dyScale;
        this.xcScale = xcScale;
        this.offset = offset;
    }

    /**
     * Of a training-mode forward pass, whose statistics depend on x:
     * {@code dx = gamma * r * invStd * (g - sum(g) / m - xHat * sum(g * xHat) / m)}.
     *
     * @param g       gamma per channel (or the locked constant)
     * @param sumDy   {@code sum(g)} per channel, over the {@code stats.count} values of the batch
     * @param sumDyXc {@code sum(g * (x - mean))} per channel
     */
    static GradientCoefficients training(double[] g, BatchStats stats, double[] sumDy, double[] sumDyXc) {
        int c = g.length;
        double m = stats.count;
        double[] dyScale = new double[c];
        double[] xcScale = new double[c];
        double[] offset = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double invStd = stats.invStd[ch];
            double k = stats.r == null ? g[ch] * invStd : g[ch] * invStd * stats.r[ch];
            dyScale[ch] = k;
            xcScale[ch] = -k * invStd * invStd * sumDyXc[ch] / m;
            offset[ch] = -k * sumDy[ch] / m;
        }
        return new GradientCoefficients(stats.invStd, dyScale, xcScale, offset);
    }

    /** Of an inference-mode forward pass, whose statistics are constants: {@code dx = gamma * invStd * g}. */
    static GradientCoefficients inference(double[] g, RunningStats running, double eps) {
        int c = g.length;
        double[] invStd = new double[c];
        double[] dyScale = new double[c];
        for (int ch = 0; ch < c; ch++) {
            invStd[ch] = 1.0 / Math.sqrt(running.var[ch] + eps);
            dyScale[ch] = g[ch] * invStd[ch];
        }
        return new GradientCoefficients(invStd, dyScale, new double[c], new double[c]);
    }
}
