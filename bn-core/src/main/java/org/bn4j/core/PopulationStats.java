package org.bn4j.core;

import java.io.Serializable;

/**
 * Population estimates of each channel's mean and variance from the statistics of many training batches: the
 * inference statistics of the paper's Algorithm 2 (Ioffe &amp; Szegedy 2015, steps 8-10), also known as
 * "precise BN". Add each batch's {@link BatchStats}, then ask for the {@link #estimate(RunningVariance) estimate}.
 *
 * <p>With {@code B} batches of {@code m_b} values each (per channel), {@code N = sum(m_b)} values in all:
 * <pre>
 * E[x]   = sum(m_b * mean_b) / N                         the mean of all N values
 * Var[x] = sum(m_b * biasedVar_b) / N         BIASED     the count-weighted average of the batch variances
 * Var[x] = sum(m_b * biasedVar_b) / (N - B)   UNBIASED   the pooled within-batch variance
 * </pre>
 * With equal batch sizes {@code m} these are Algorithm 2's {@code E_B[mean_B]} and {@code E_B[var_B]}, times
 * {@code m / (m - 1)} under {@link RunningVariance#UNBIASED}. Batches are weighted by their value count so that
 * every value counts once: a last, smaller batch (or one with more masked steps) weighs less, as its statistics
 * are noisier. The variance is the within-batch variance that training normalizes with, not the variance of all
 * values pooled: it leaves out the spread of the batch means around {@code E[x]}, as Algorithm 2 does. A batch
 * normalized as {@link BatchNormConfig#ghostBatchSize() ghost batches} adds each ghost batch as one of the {@code B},
 * since each was normalized with its own statistics.
 *
 * <p>The batches can be split among workers, each with its own accumulator, and the accumulators
 * {@link #merge merged}: the estimate is that of one accumulator given every batch, up to rounding (the count-weighted
 * mean update is the pairwise one of {@link Moments}; the sums of squares add). Serializable, so that a cluster's
 * workers can send their partial accumulators back (bn-spark).
 *
 * <p>Accumulates in double. Mutable and not thread-safe; one instance per BN layer and worker.
 */
public final class PopulationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Running count-weighted mean of the batch means, per channel. */
    private final double[] mean;
    /** {@code sum(m_b * biasedVar_b)}: the within-batch sum of squared deviations, per channel. */
    private final double[] varSum;
    private long count;
    private long batches;
    /** {@code B} in the formulas: batches, or ghost batches where a batch had them. */
    private long normalizedGroups;

    /** @param channels the number of channels, {@code C}, at least 1 */
    public PopulationStats(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        this.mean = new double[channels];
        this.varSum = new double[channels];
    }

    /**
     * Folds in one batch. The batch is checked first, so a rejected batch leaves the accumulator as it was.
     *
     * @param batch the statistics of one training-mode forward pass. Not modified.
     * @throws IllegalArgumentException if the batch has a different channel count, or a non-finite mean or
     *                                  variance (from {@link NonFinitePolicy#PROPAGATE}), naming the channel
     */
    public void add(BatchStats batch) {
        if (batch == null) {
            throw new IllegalArgumentException("batch statistics must not be null");
        }
        if (batch.channels() != channels()) {
            throw new IllegalArgumentException("batch statistics have " + batch.channels()
                    + " channels but the population statistics have " + channels());
        }
        for (int ch = 0; ch < mean.length; ch++) {
            if (!Double.isFinite(batch.mean[ch]) || !Double.isFinite(batch.biasedVar[ch])) {
                throw new IllegalArgumentException("batch " + (batches + 1) + " has a non-finite statistic in channel "
                        + ch + " (mean " + batch.mean[ch] + ", variance " + batch.biasedVar[ch] + ")");
            }
        }
        batches++;
        for (BatchStats part : batch.parts()) {
            long m = part.count;
            double[] partVarSum = new double[mean.length];
            for (int ch = 0; ch < mean.length; ch++) {
                partVarSum[ch] = m * part.biasedVar[ch];
            }
            addGroup(m, part.mean, partVarSum);
            normalizedGroups++;
        }
    }

    /**
     * Folds in another accumulator's batches, as if each had been {@link #add added} here. Merging partial
     * accumulators in any order gives the same estimate up to rounding.
     *
     * @param other the batches of another worker. Not modified.
     * @throws IllegalArgumentException if {@code other} has a different channel count
     */
    public void merge(PopulationStats other) {
        if (other == null) {
            throw new IllegalArgumentException("population statistics to merge must not be null");
        }
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("population statistics to merge have " + other.channels()
                    + " channels but these have " + channels());
        }
        if (other.count == 0) {
            return;
        }
        addGroup(other.count, other.mean, other.varSum);
        batches += other.batches;
        normalizedGroups += other.normalizedGroups;
    }

    /**
     * Adds {@code m} values per channel with means {@code groupMean} and within-batch sums of squares
     * {@code groupVarSum}.
     */
    private void addGroup(long m, double[] groupMean, double[] groupVarSum) {
        count += m;
        // mean += (groupMean - mean) * m / N: no large sum of means to cancel against when the data sit far from 0
        double weight = (double) m / count;
        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] += (groupMean[ch] - mean[ch]) * weight;
            varSum[ch] += groupVarSum[ch];
        }
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return mean.length;
    }

    /** @return how many batches have been added, {@code B} */
    public long batches() {
        return batches;
    }

    /** @return how many values per channel the added batches held in all, {@code N} */
    public long count() {
        return count;
    }

    /**
     * @param variance which variance estimate to return: what the layer keeps, see {@link BatchNormConfig#runningVariance()}
     * @return the population mean and variance per channel, with {@link RunningStats#batches()} the number of
     *         batches averaged; this accumulator is unchanged and can take more batches
     * @throws IllegalStateException if no batch has been added
     */
    public RunningStats estimate(RunningVariance variance) {
        if (variance == null) {
            throw new IllegalArgumentException("variance must not be null");
        }
        if (batches == 0) {
            throw new IllegalStateException("no batch statistics added, so there is no population estimate");
        }
        // Training batches (and ghost batches) hold at least 2 values per channel, so N - B >= B > 0.
        double divisor = variance == RunningVariance.UNBIASED ? count - normalizedGroups : count;
        double[] var = new double[varSum.length];
        for (int ch = 0; ch < var.length; ch++) {
            var[ch] = varSum[ch] / divisor;
        }
        return RunningStats.of(mean, var, batches);
    }

    @Override
    public String toString() {
        return "PopulationStats{channels=" + channels() + ", batches=" + batches + ", count=" + count + "}";
    }
}
