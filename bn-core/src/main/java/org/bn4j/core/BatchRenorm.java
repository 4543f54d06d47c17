package org.bn4j.core;

/**
 * Batch renormalization (Ioffe 2017, arXiv 1702.03275): a training batch is normalized with its own statistics and
 * then corrected towards the running ones, so that training and inference compute the same function when the
 * corrections are not clipped.
 *
 * <pre>
 * sigmaB = sqrt(batchVar + eps),  sigma = sqrt(running.var + eps)      (running: before this batch's update)
 * r = clip(sigmaB / sigma, 1 / rMax, rMax),  d = clip((batchMean - running.mean) / sigma, -dMax, dMax)
 * xHat = (x - batchMean) / sigmaB * r + d,   y = gamma * xHat + beta
 * </pre>
 * r and d are constants in backprop ({@code stop_gradient} in the paper). {@code rMax = 1, dMax = 0} is plain BN.
 *
 * <p>The paper holds the clipping at plain BN while the running statistics settle, then relaxes it. Here: for the
 * first {@code warmupSteps} batches {@code rMax = 1, dMax = 0}; over the next {@code rampSteps} batches both move
 * linearly to their targets. The step is {@link RunningStats#batches()}. Defaults: no warm-up, no ramp.
 * Immutable.
 */
public final class BatchRenorm {
    private final double rMax;
    private final double dMax;
    private final long warmupSteps;
    private final long rampSteps;

    private BatchRenorm(double rMax, double dMax, long warmupSteps, long rampSteps) {
        this.rMax = rMax;
        this.dMax = dMax;
        this.warmupSteps = warmupSteps;
        this.rampSteps = rampSteps;
    }

    /**
     * @param rMax largest r, and 1 / smallest; finite and &gt;= 1 (the paper relaxes it to 3)
     * @param dMax largest |d|; finite and &gt;= 0 (the paper relaxes it to 5)
     * @throws IllegalArgumentException naming the invalid bound
     */
    public static BatchRenorm of(double rMax, double dMax) {
        return new BatchRenorm(rMax, dMax, 0, 0).validated();
    }

    /**
     * @param warmupSteps batches at plain BN before relaxing, &gt;= 0 (the paper: 5,000)
     * @param rampSteps   batches over which the bounds grow linearly to rMax and dMax, &gt;= 0
     * @return this clipping with a warm-up schedule
     */
    public BatchRenorm withWarmup(long warmupSteps, long rampSteps) {
        return new BatchRenorm(rMax, dMax, warmupSteps, rampSteps).validated();
    }

    public double rMax() {
        return rMax;
    }

    public double dMax() {
        return dMax;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long rampSteps() {
        return rampSteps;
    }

    /** @return the bound on r at {@code step} (batches seen), from 1 during warm-up to {@link #rMax()} */
    public double rMaxAt(long step) {
        return 1 + (rMax - 1) * relaxation(step);
    }

    /** @return the bound on |d| at {@code step}, from 0 during warm-up to {@link #dMax()} */
    public double dMaxAt(long step) {
        return dMax * relaxation(step);
    }

    /** 0 during warm-up, then linear to 1 over the ramp. */
    private double relaxation(long step) {
        if (step < warmupSteps) {
            return 0;
        }
        if (rampSteps == 0) {
            return 1;
        }
        return Math.min(1.0, (double) (step - warmupSteps) / rampSteps);
    }

    private BatchRenorm validated() {
        if (!(rMax >= 1) || Double.isInfinite(rMax)) {
            throw new IllegalArgumentException("batch renormalization needs a finite rMax >= 1 (r is clipped to "
                    + "[1/rMax, rMax]), got " + rMax);
        }
        if (!(dMax >= 0) || Double.isInfinite(dMax)) {
            throw new IllegalArgumentException("batch renormalization needs a finite dMax >= 0 (d is clipped to "
                    + "[-dMax, dMax]), got " + dMax);
        }
        if (warmupSteps < 0 || rampSteps < 0) {
            throw new IllegalArgumentException("batch renormalization warm-up and ramp must be >= 0 batches, got "
                    + warmupSteps + " and " + rampSteps);
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchRenorm b && Double.compare(rMax, b.rMax) == 0 && Double.compare(dMax, b.dMax) == 0
                && warmupSteps == b.warmupSteps && rampSteps == b.rampSteps;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(rMax, dMax, warmupSteps, rampSteps);
    }

    @Override
    public String toString() {
        return "BatchRenorm{rMax=" + rMax + ", dMax=" + dMax + ", warmupSteps=" + warmupSteps + ", rampSteps="
                + rampSteps + "}";
    }
}
