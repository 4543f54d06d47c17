package org.bn4j.core;

import java.util.Arrays;

/**
 * Population estimates of each channel's mean and variance, used in inference. Immutable:
 * {@link #updated(BatchStats, BatchNormConfig)} returns a new value, so a step that fails leaves the
 * caller's statistics as they were.
 */
public final class RunningStats {
    final double[] mean;
    final double[] var;
    private final long batches;

    private RunningStats(double[] mean, double[] var, long batches) {
        this.mean = mean;
        this.var = var;
        this.batches = batches;
    }

    /** @return mean 0 and variance 1 for each of {@code channels} channels, no batch seen (DL4J's initial values) */
    public static RunningStats initial(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        double[] var = new double[channels];
        Arrays.fill(var, 1.0);
        return new RunningStats(new double[channels], var, 0);
    }

    /**
     * @param mean    running mean per channel. Not modified (copied).
     * @param var     running variance per channel, each &gt;= 0. Not modified (copied).
     * @param batches how many batches these estimates already average; the weight of the next batch under
     *                {@link RunningAverage#CUMULATIVE} is {@code 1 / (batches + 1)}
     */
    public static RunningStats of(double[] mean, double[] var, long batches) {
        if (mean == null || var == null || mean.length == 0 || mean.length != var.length) {
            throw new IllegalArgumentException("running mean and var need the same, non-zero length; got "
                    + (mean == null ? "null" : mean.length) + " and " + (var == null ? "null" : var.length));
        }
        for (int ch = 0; ch < var.length; ch++) {
            if (var[ch] < 0) {
                throw new IllegalArgumentException("running var of channel " + ch + " is negative: " + var[ch]);
            }
        }
        if (batches < 0) {
            throw new IllegalArgumentException("batches must be >= 0, got " + batches);
        }
        return new RunningStats(mean.clone(), var.clone(), batches);
    }

    public int channels() {
        return mean.length;
    }

    /** @return the running mean per channel (a copy), length {@code C} */
    public double[] mean() {
        return mean.clone();
    }

    /** @return the running variance per channel (a copy), length {@code C} */
    public double[] var() {
        return var.clone();
    }

    /** @return how many batches have been folded in */
    public long batches() {
        return batches;
    }

    /**
     * Folds one batch into the estimates.
     *
     * <pre>
     * EXPONENTIAL: running = decay * running + (1 - decay) * batch
     * CUMULATIVE:  running = (1 - w) * running + w * batch,  w = 1 / (batches + 1)
     * </pre>
     * The batch variance is the biased or the unbiased estimate, as {@link BatchNormConfig#runningVariance()} says.
     *
     * @return new statistics; this object is unchanged
     * @throws IllegalArgumentException if the batch has a different channel count
     */
    public RunningStats updated(BatchStats batch, BatchNormConfig config) {
        if (batch.channels() != channels()) {
            throw new IllegalArgumentException("batch statistics have " + batch.channels()
                    + " channels but running statistics have " + channels());
        }
        double[] batchVar = config.runningVariance() == RunningVariance.UNBIASED ? batch.unbiasedVar()
                : batch.biasedVar;
        double[] nextMean = new double[mean.length];
        double[] nextVar = new double[var.length];
        if (config.runningAverage() == RunningAverage.EXPONENTIAL) {
            double decay = config.decay();
            for (int ch = 0; ch < mean.length; ch++) {
                nextMean[ch] = decay * mean[ch] + (1 - decay) * batch.mean[ch];
                nextVar[ch] = decay * var[ch] + (1 - decay) * batchVar[ch];
            }
        } else {
            double weight = 1.0 / (batches + 1);
            // (1 - w) * running + w * batch rather than running + (batch - running) * w: the first batch (w = 1)
            // then replaces the initial values exactly, however small its statistics (1 + (1e-60 - 1) is 0).
            for (int ch = 0; ch < mean.length; ch++) {
                nextMean[ch] = (1 - weight) * mean[ch] + weight * batch.mean[ch];
                nextVar[ch] = (1 - weight) * var[ch] + weight * batchVar[ch];
            }
        }
        return new RunningStats(nextMean, nextVar, batches + 1);
    }

    @Override
    public String toString() {
        return "RunningStats{batches=" + batches + ", mean=" + Arrays.toString(mean) + ", var=" + Arrays.toString(var)
                + "}";
    }
}
