package org.bn4j.core;

/**
 * Per-channel statistics of one training batch, computed by
 * {@link BatchNormalizer#forwardTraining forwardTraining} and
 * needed again by {@link BatchNormalizer#backward backward}.
 *
 * <p>With {@link BatchNormConfig#ghostBatchSize() ghost batches}, each ghost batch has its own statistics
 * ({@link #ghost(int)}); the batch's {@link #mean()} and {@link #biasedVar()} are then their averages (as Keras
 * keeps them), which is what the running statistics take in, and {@link #count()} is the count of one ghost batch.
 * With {@link BatchRenorm batch renormalization}, {@link #r()} and {@link #d()} are the corrections applied.
 *
 * <p>Immutable; accessors return copies. All values are in double whatever the data type.
 */
public final class BatchStats {
    final double[] mean;
    final double[] biasedVar;
    final double[] invStd;
    final long count;
    final double eps;
    /** The renormalization corrections applied, or null for plain BN (r = 1, d = 0). */
    final double[] r;
    final double[] d;
    /** The ghost batches in batch order, or null when the batch was normalized as one. */
    private final BatchStats[] ghosts;

    BatchStats(double[] mean, double[] biasedVar, double eps, long count) {
        this(mean, biasedVar, eps, count, null, null, null);
    }

    private BatchStats(double[] mean, double[] biasedVar, double eps, long count, double[] r, double[] d,
                       BatchStats[] ghosts) {
        this.mean = mean;
        this.biasedVar = biasedVar;
        this.eps = eps;
        this.count = count;
        this.r = r;
        this.d = d;
        this.ghosts = ghosts;
        this.invStd = new double[mean.length];
        for (int ch = 0; ch < mean.length; ch++) {
            invStd[ch] = 1.0 / Math.sqrt(biasedVar[ch] + eps);
        }
    }

    /** @return the statistics of a batch normalized as {@code parts.length} ghost batches, in batch order */
    static BatchStats ofGhosts(BatchStats[] parts) {
        int c = parts[0].channels();
        double[] mean = new double[c];
        double[] biasedVar = new double[c];
        double[] r = parts[0].r == null ? null : new double[c];
        double[] d = parts[0].r == null ? null : new double[c];
        for (BatchStats part : parts) {
            for (int ch = 0; ch < c; ch++) {
                mean[ch] += part.mean[ch] / parts.length;
                biasedVar[ch] += part.biasedVar[ch] / parts.length;
                if (r != null) {
                    r[ch] += part.r[ch] / parts.length;
                    d[ch] += part.d[ch] / parts.length;
                }
            }
        }
        return new BatchStats(mean, biasedVar, parts[0].eps, parts[0].count, r, d, parts.clone());
    }

    /**
     * @return these statistics with batch renormalization's corrections against {@code running}, clipped by
     * {@code renorm}'s bounds at step {@code running.batches()}
     */
    BatchStats renormalized(RunningStats running, BatchRenorm renorm) {
        double rMax = renorm.rMaxAt(running.batches());
        double dMax = renorm.dMaxAt(running.batches());
        int c = channels();
        double[] rs = new double[c];
        double[] ds = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double runningStd = Math.sqrt(running.var[ch] + eps);
            rs[ch] = clip(1.0 / (invStd[ch] * runningStd), 1.0 / rMax, rMax);
            ds[ch] = clip((mean[ch] - running.mean[ch]) / runningStd, -dMax, dMax);
        }
        return new BatchStats(mean, biasedVar, eps, count, rs, ds, null);
    }

    private static double clip(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }

    /** @return the ghost batches, or this batch alone; in batch order */
    BatchStats[] parts() {
        return ghosts == null ? new BatchStats[] {this} : ghosts.clone();
    }

    /**
     * @return a bound on {@code |x - mean|} over the values of channel {@code ch}: no one value deviates more than
     * {@code sqrt(sum((x - mean)^2)) = sqrt(count * biasedVar)} (Cauchy-Schwarz)
     */
    double largestDeviation(int ch) {
        return Math.sqrt(count * biasedVar[ch]);
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return mean.length;
    }

    /** @return the number of values each channel was reduced over, {@code m = batch * spatial} (of one ghost batch) */
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

    /** @return batch renormalization's r per channel (averaged over ghost batches); all 1 without renormalization */
    public double[] r() {
        return r == null ? filled(1.0) : r.clone();
    }

    /** @return batch renormalization's d per channel (averaged over ghost batches); all 0 without renormalization */
    public double[] d() {
        return d == null ? filled(0.0) : d.clone();
    }

    /** @return the number of ghost batches; 1 when the batch was normalized as one */
    public int ghostBatches() {
        return ghosts == null ? 1 : ghosts.length;
    }

    /**
     * @param index a ghost batch, in {@code [0, ghostBatches())}, in batch order
     * @return its statistics; this object itself when there are no ghost batches
     */
    public BatchStats ghost(int index) {
        if (index < 0 || index >= ghostBatches()) {
            throw new IllegalArgumentException("ghost batch " + index + " does not exist; there are " + ghostBatches());
        }
        return ghosts == null ? this : ghosts[index];
    }

    private double[] filled(double value) {
        double[] a = new double[mean.length];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
