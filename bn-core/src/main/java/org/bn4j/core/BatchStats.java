package org.bn4j.core;

/**
 * Per-channel statistics of one training batch, computed by
 * {@link BatchNorm#forwardTraining(float[], Shape, double[], double[], float[]) forwardTraining} and
 * needed again by {@link BatchNorm#backward(float[], float[], Shape, double[], BatchStats, float[]) backward}.
 * Immutable; accessors return copies. All values are in double whatever the data type.
 */
public final class BatchStats {
    final double[] mean;
    final double[] biasedVar;
    final double[] invStd;
    final long count;
    final double eps;

    BatchStats(double[] mean, double[] biasedVar, double eps, long count) {
        this.mean = mean;
        this.biasedVar = biasedVar;
        this.eps = eps;
        this.count = count;
        this.invStd = new double[mean.length];
        for (int ch = 0; ch < mean.length; ch++) {
            invStd[ch] = 1.0 / Math.sqrt(biasedVar[ch] + eps);
        }
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return mean.length;
    }

    /** @return the number of values each channel was reduced over, {@code m = batch * spatial} */
    public long count() {
        return count;
    }

    /** @return the eps that {@link #invStd()} includes */
    public double eps() {
        return eps;
    }

    /** @return the batch mean per channel, length {@code C} */
    public double[] mean() {
        return mean.clone();
    }

    /** @return {@code sum((x - mean)^2) / m} per channel, the variance normalization uses; length {@code C} */
    public double[] biasedVar() {
        return biasedVar.clone();
    }

    /** @return {@code sum((x - mean)^2) / (m - 1)} per channel; length {@code C} */
    public double[] unbiasedVar() {
        double[] v = new double[biasedVar.length];
        double correction = (double) count / (count - 1);
        for (int ch = 0; ch < v.length; ch++) {
            v[ch] = biasedVar[ch] * correction;
        }
        return v;
    }

    /** @return {@code 1 / sqrt(biasedVar + eps)} per channel; length {@code C} */
    public double[] invStd() {
        return invStd.clone();
    }
}
