package org.bn4j.dl4j;

import org.deeplearning4j.nn.conf.GradientNormalization;

/**
 * DL4J's gradient normalization and clipping, applied to gamma and beta only. DL4J applies the configured mode
 * to a layer's whole gradient view, and BN's view also carries the running-statistic updates, which clipping
 * corrupts; so {@link BatchNormLayer} hides the mode from DL4J's updater and applies it here instead.
 *
 * <p>DL4J normalizes after dividing the gradient by the minibatch size. This class runs earlier, in backprop,
 * so it works on {@code g / minibatch} and scales back, giving exactly what the updater would have seen.
 */
final class GammaBetaGradientNormalization {
    /** DL4J's guard against dividing by a zero norm. */
    private static final double ZERO_NORM = 1e-5;

    private GammaBetaGradientNormalization() {
    }

    /**
     * @param mode      the configured mode; null or {@code None} leaves the gradients as they are
     * @param threshold the configured threshold, for the clipping modes
     * @param minibatch what DL4J's updater will divide these gradients by (1 when it does not divide)
     * @param dGamma    gradient of gamma. Modified.
     * @param dBeta     gradient of beta. Modified.
     */
    static void apply(GradientNormalization mode, double threshold, double minibatch, double[] dGamma, double[] dBeta) {
        if (mode == null || mode == GradientNormalization.None) {
            return;
        }
        switch (mode) {
            case RenormalizeL2PerLayer:
                scale(1 / nonZero(norm(dGamma, dBeta, minibatch)), dGamma, dBeta);
                break;
            case RenormalizeL2PerParamType:
                scale(1 / nonZero(norm(dGamma, null, minibatch)), dGamma, null);
                scale(1 / nonZero(norm(dBeta, null, minibatch)), dBeta, null);
                break;
            case ClipElementWiseAbsoluteValue:
                clip(dGamma, threshold * minibatch);
                clip(dBeta, threshold * minibatch);
                break;
            case ClipL2PerLayer:
                clipNorm(norm(dGamma, dBeta, minibatch), threshold, dGamma, dBeta);
                break;
            case ClipL2PerParamType:
                clipNorm(norm(dGamma, null, minibatch), threshold, dGamma, null);
                clipNorm(norm(dBeta, null, minibatch), threshold, dBeta, null);
                break;
            default:
                throw new IllegalArgumentException("unknown gradient normalization " + mode);
        }
    }

    /** Renormalizing divides by the norm of {@code g / minibatch}; the updater's later division then leaves unit norm. */
    private static double nonZero(double norm) {
        return norm == 0 ? ZERO_NORM : norm;
    }

    private static double norm(double[] a, double[] b, double minibatch) {
        double sum = 0;
        for (double v : a) {
            sum += (v / minibatch) * (v / minibatch);
        }
        if (b != null) {
            for (double v : b) {
                sum += (v / minibatch) * (v / minibatch);
            }
        }
        return Math.sqrt(sum);
    }

    private static void clipNorm(double norm, double threshold, double[] a, double[] b) {
        if (norm > threshold) {
            scale(threshold / norm, a, b);
        }
    }

    private static void clip(double[] a, double limit) {
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(-limit, Math.min(limit, a[i]));
        }
    }

    private static void scale(double factor, double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] *= factor;
        }
        if (b != null) {
            for (int i = 0; i < b.length; i++) {
                b[i] *= factor;
            }
        }
    }
}
