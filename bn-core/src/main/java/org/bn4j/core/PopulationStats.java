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
 * <p>The two sums are kept exact ({@link ExactSum}) and rounded once, when an estimate is asked for. So the estimate
 * is the same, bit for bit, whatever the order of the batches, and when the batches are split among workers, each
 * with its own accumulator, and the accumulators {@link #merge merged} in any order: a cluster's result equals one
 * machine's. Serializable, so that workers can send their partial accumulators back (bn-spark).
 *
 * <p>Mutable and not thread-safe; one instance per BN layer and worker.
 */
public final class PopulationStats implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code sum(m_b * mean_b)}: the sum of all values, per channel. */
    private final ExactSum[] sum;
    /** {@code sum(m_b * biasedVar_b)}: the within-batch sum of squared deviations, per channel. */
    private final ExactSum[] varSum;
    private long count;
    private long batches;
    /** {@code B} in the formulas: batches, or ghost batches where a batch had them. */
    private long normalizedGroups;

    /** @param channels the number of channels, {@code C}, at least 1 */
    public PopulationStats(int channels) {
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be at least 1, got " + channels);
        }
        this.sum = new ExactSum[channels];
        this.varSum = new ExactSum[channels];
        for (int ch = 0; ch < channels; ch++) {
            sum[ch] = new ExactSum();
            varSum[ch] = new ExactSum();
        }
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
        for (int ch = 0; ch < sum.length; ch++) {
            if (!Double.isFinite(batch.mean[ch]) || !Double.isFinite(batch.biasedVar[ch])) {
                throw new IllegalArgumentException("batch " + (batches + 1) + " has a non-finite statistic in channel "
                        + ch + " (mean " + batch.mean[ch] + ", variance " + batch.biasedVar[ch] + ")");
            }
        }
        batches++;
        for (BatchStats part : batch.parts()) {
            count += part.count;
            normalizedGroups++;
            for (int ch = 0; ch < sum.length; ch++) {
                sum[ch].addProduct(part.count, part.mean[ch]);
                varSum[ch].addProduct(part.count, part.biasedVar[ch]);
            }
        }
    }

    /**
     * Folds in another accumulator's batches, as if each had been {@link #add added} here: merging partial
     * accumulators in any order gives bit for bit the estimate of one accumulator of every batch.
     *
     * @param other the batches of another worker. Not modified.
     * @throws IllegalArgumentException if {@code other} has a different channel count
     */
    public void merge(PopulationStats other) {
        if (other == null || other == this) {
            throw new IllegalArgumentException("population statistics to merge must be another, non-null instance");
        }
        if (other.channels() != channels()) {
            throw new IllegalArgumentException("population statistics to merge have " + other.channels()
                    + " channels but these have " + channels());
        }
        for (int ch = 0; ch < sum.length; ch++) {
            sum[ch].add(other.sum[ch]);
            varSum[ch].add(other.varSum[ch]);
        }
        count += other.count;
        batches += other.batches;
        normalizedGroups += other.normalizedGroups;
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return sum.length;
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
        double[] mean = new double[sum.length];
        double[] var = new double[sum.length];
        for (int ch = 0; ch < sum.length; ch++) {
            mean[ch] = sum[ch].value() / count;
            var[ch] = varSum[ch].value() / divisor;
        }
        return RunningStats.of(mean, var, batches);
    }

    @Override
    public String toString() {
        return "PopulationStats{channels=" + channels() + ", batches=" + batches + ", count=" + count + "}";
    }
}
