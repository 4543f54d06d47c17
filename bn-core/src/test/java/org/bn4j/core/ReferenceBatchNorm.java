package org.bn4j.core;

/**
 * A straightforward double-precision batch normalization, the oracle of the tests. It shares no code with
 * the kernels: channels come from each element's multi-index, and the backward pass follows the paper's
 * chain-rule equations (Ioffe &amp; Szegedy 2015, section 3) term by term rather than the closed form.
 */
final class ReferenceBatchNorm {
    final int[] channelOf;
    final int channels;
    final long[] count;

    ReferenceBatchNorm(Shape shape) {
        int[] dims = shape.dims();
        int axis = shape.layout().channelAxis();
        this.channels = dims[axis];
        int size = 1;
        for (int d : dims) {
            size *= d;
        }
        channelOf = new int[size];
        count = new long[channels];
        int[] index = new int[dims.length];
        for (int flat = 0; flat < size; flat++) {
            channelOf[flat] = index[axis];
            count[index[axis]]++;
            for (int d = dims.length - 1; d >= 0; d--) {
                if (++index[d] < dims[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
    }

    double[] mean(double[] x) {
        double[] mean = new double[channels];
        for (int i = 0; i < x.length; i++) {
            mean[channelOf[i]] += x[i];
        }
        for (int ch = 0; ch < channels; ch++) {
            mean[ch] /= count[ch];
        }
        return mean;
    }

    double[] biasedVar(double[] x) {
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

    double[] forwardTraining(double[] x, double[] gamma, double[] beta, double eps) {
        return normalize(x, mean(x), biasedVar(x), gamma, beta, eps);
    }

    double[] normalize(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            y[i] = gamma[ch] * (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
        }
        return y;
    }

    /** @return {dx, dGamma, dBeta} */
    double[][] backward(double[] x, double[] dy, double[] gamma, double eps) {
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
