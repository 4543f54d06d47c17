package org.bn4j.dl4j;

/**
 * Batch normalization written out in double, element by element, for the layer-level tests: the channel of each
 * value comes from its multi-index, and the backward pass follows the paper's chain rule term by term. Shares no
 * code with bn-core.
 */
final class DoubleReference {
    final int channels;
    final int[] channelOf;
    final long[] count;

    /** @param shape row-major dimensions; @param channelAxis the axis that holds the channels */
    DoubleReference(long[] shape, int channelAxis) {
        this.channels = (int) shape[channelAxis];
        int size = 1;
        for (long d : shape) {
            size *= (int) d;
        }
        channelOf = new int[size];
        count = new long[channels];
        long[] index = new long[shape.length];
        for (int flat = 0; flat < size; flat++) {
            channelOf[flat] = (int) index[channelAxis];
            count[channelOf[flat]]++;
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
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

    double[] normalize(double[] x, double[] mean, double[] var, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            y[i] = gamma[ch] * (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps) + beta[ch];
        }
        return y;
    }

    /** @return {dx, dGamma, dBeta} of a training-mode pass */
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
            double invStd = 1 / Math.sqrt(var[ch] + eps);
            double dxHat = dy[i] * gamma[ch];
            dVar[ch] += dxHat * (x[i] - mean[ch]) * -0.5 * invStd * invStd * invStd;
            dMean[ch] += -dxHat * invStd;
            sumCentered[ch] += -2 * (x[i] - mean[ch]);
            dGamma[ch] += dy[i] * (x[i] - mean[ch]) * invStd;
            dBeta[ch] += dy[i];
        }
        for (int ch = 0; ch < channels; ch++) {
            dMean[ch] += dVar[ch] * sumCentered[ch] / count[ch];
        }
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = channelOf[i];
            double invStd = 1 / Math.sqrt(var[ch] + eps);
            dx[i] = dy[i] * gamma[ch] * invStd + dVar[ch] * 2 * (x[i] - mean[ch]) / count[ch] + dMean[ch] / count[ch];
        }
        return new double[][] {dx, dGamma, dBeta};
    }
}
