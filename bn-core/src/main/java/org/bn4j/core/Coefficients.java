package org.bn4j.core;

/**
 * The per-channel coefficients that fold batch normalization into one multiply-add per value, {@code y = act((x -
 * center) * scale + shift)}: the kernels' loops see these, never gamma, beta or the statistics themselves.
 */
final class Coefficients {
    private Coefficients() {
    }

    /** @return the scale of a training-mode forward pass: {@code gamma * invStd}, times r under renorm */
    static double[] trainingScale(double[] g, BatchStats stats) {
        double[] scale = product(g, stats.invStd);
        return stats.r == null ? scale : product(scale, stats.r);
    }

    /** @return the shift of a training-mode forward pass: beta, plus {@code gamma * d} under renorm */
    static double[] trainingShift(double[] g, double[] b, BatchStats stats) {
        if (stats.r == null) {
            return b;
        }
        // gamma * (r * xHat + d) + beta
        double[] shift = b.clone();
        for (int ch = 0; ch < shift.length; ch++) {
            shift[ch] += g[ch] * stats.d[ch];
        }
        return shift;
    }

    /** @return the scale of an inference-mode pass: {@code gamma / sqrt(running.var + eps)} */
    static double[] inferenceScale(double[] gamma, RunningStats running, double eps) {
        double[] scale = new double[gamma.length];
        for (int ch = 0; ch < scale.length; ch++) {
            scale[ch] = gamma[ch] / Math.sqrt(running.var[ch] + eps);
        }
        return scale;
    }

    /** @return the shift of an inference-mode pass folded with its centring: {@code beta - running.mean * scale} */
    static double[] inferenceShift(double[] b, RunningStats running, double[] scale) {
        double[] shift = new double[scale.length];
        for (int ch = 0; ch < shift.length; ch++) {
            shift[ch] = b[ch] - running.mean[ch] * scale[ch];
        }
        return shift;
    }

    private static double[] product(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * b[i];
        }
        return out;
    }
}
