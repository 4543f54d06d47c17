package org.bn4j.core;

import java.util.Arrays;

/**
 * A straightforward double-precision batch normalization, the one oracle of the tests: bn-core's, and through
 * bn-core's test jar, bn-dl4j's. It shares no code with the kernels: channels come from each element's multi-index,
 * and the backward pass follows the paper's chain-rule equations (Ioffe &amp; Szegedy 2015, section 3) term by term
 * rather than the closed form. Arrays are row-major, one value per element of the shape.
 */
public final class ReferenceBatchNorm {
    /** The channel of each element, by flat row-major index. */
    public final int[] channelOf;
    /** The number of channels. */
    public final int channels;
    /** Values per channel. */
    public final long[] count;

    public ReferenceBatchNorm(Shape shape) {
        this(Arrays.stream(shape.dims()).asLongStream().toArray(), shape.layout().channelAxis());
    }

    /**
     * @param dims        row-major dimensions
     * @param channelAxis the axis that holds the channels
     */
    public ReferenceBatchNorm(long[] dims, int channelAxis) {
        this.channels = (int) dims[channelAxis];
        int size = 1;
        for (long d : dims) {
            size = Math.multiplyExact(size, (int) d);
        }
        channelOf = new int[size];
        count = new long[channels];
        long[] index = new long[dims.length];
        for (int flat = 0; flat < size; flat++) {
            channelOf[flat] = (int) index[channelAxis];
            count[channelOf[flat]]++;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++index[d] < dims[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    /** @return the per-channel mean, with one correction pass (see the comment inside) */
    public double[] mean(double[] x) {
        double[] mean = new double[channels];
        for (int i = 0; i < x.length; i++) {
            mean[channelOf[i]] += x[i];
        }
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] /= count[ch];
        }
        // One correction pass: the rounded sum / count of equal values can miss them by an ulp, which at 1e30 is
        // a spread far larger than eps.
        double[] residual = new double[channels];
        for (int i = 0; i < x.length; i++) {
            residual[channelOf[i]] += x[i] - mean[channelOf[i]];
        }
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] += residual[ch] / count[ch];
        }
        return mean;
    }

    /** @return the per-channel variance over the count (not count - 1) */
    public double[] biasedVar(double[] x) {
        double[] mean = mean(x);
        double[] var = new double[channels];
        for (int i = 0; i < x.length; i++) {
            double d = x[i] - mean[channelOf[i]];
            var[channelOf[i]] += d * d;
        }
        for (int ch = 0; ch < channels; ch++) {
            var[ch] /= count[ch];
        }
        return var;
    }

    /** @return y of a training-mode forward pass, normalized with the batch statistics */
    public double[] forwardTraining(double[] x, double[] gamma, double[] beta, double eps) {
        return normalize(x, mean(x), biasedVar(x), gamma, beta, eps);
    }

    /** @return {@code gamma * (x - mean) / sqrt(var + eps) + beta}, per channel */
    public double[] normalize(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            y[i] = gamma[ch] * (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
        }
        return y;
    }

    /** @return {dx, dGamma, dBeta} of a training-mode pass */
    public double[][] backward(double[] x, double[] dy, double[] gamma, double eps) {
        double[] mean = mean(x);
        double[] var = biasedVar(x);
        double[] dVar = new double[channels];
        double[] dMean = new double[channels];
        double[] dGamma = new double[channels];
        double[] dBeta = new double[channels];
        double[] sumCentered = new double[channels];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            double std = Math.sqrt(var[ch] + eps);
            double xHat = (x[i] - mean[ch]) / std;
            double dxHat = dy[i] * gamma[ch];
            dGamma[ch] += dy[i] * xHat;
            dBeta[ch] += dy[i];
            dVar[ch] += dxHat * (x[i] - mean[ch]) * -0.5 * Math.pow(var[ch] + eps, -1.5);
            dMean[ch] += dxHat * -1 / std;
            sumCentered[ch] += -2 * (x[i] - mean[ch]);
        }
        for (int ch = 0; ch < channels; ch++) {
            dMean[ch] += dVar[ch] * sumCentered[ch] / count[ch];
        }
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            double m = count[ch];
            dx[i] = dy[i] * gamma[ch] / Math.sqrt(var[ch] + eps) + dVar[ch] * 2 * (x[i] - mean[ch]) / m + dMean[ch] / m;
        }
        return new double[][] {dx, dGamma, dBeta};
    }
}
