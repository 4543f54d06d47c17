package org.bn4j.core;

import java.util.Objects;

/**
 * The options of batch normalization, immutable and validated in one place ({@link Builder#build()}).
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code eps}</td><td>{@value #DEFAULT_EPS}</td><td>added to the variance before the square root; must be &gt; 0</td></tr>
 *   <tr><td>{@code decay}</td><td>{@value #DEFAULT_DECAY}</td><td>weight of the old running value, in [0, 1)</td></tr>
 *   <tr><td>{@code runningAverage}</td><td>{@link RunningAverage#EXPONENTIAL}</td><td>moving or cumulative average</td></tr>
 *   <tr><td>{@code runningVariance}</td><td>{@link RunningVariance#BIASED}</td><td>as DL4J's built-in layer keeps it</td></tr>
 *   <tr><td>{@code nonFinitePolicy}</td><td>{@link NonFinitePolicy#REJECT}</td><td>what NaN or infinite inputs do</td></tr>
 *   <tr><td>{@code lockGammaBeta}</td><td>off</td><td>fixed, non-learned gamma and beta</td></tr>
 *   <tr><td>{@code renorm}</td><td>off (null)</td><td>{@link BatchRenorm batch renormalization} in training</td></tr>
 *   <tr><td>{@code ghostBatchSize}</td><td>0 (off)</td><td>training statistics over sub-batches of this many examples</td></tr>
 *   <tr><td>{@code activation}</td><td>{@link Activation#IDENTITY}</td><td>applied to the output in BN's passes</td></tr>
 * </table>
 */
public final class BatchNormConfig {
    public static final double DEFAULT_EPS = 1e-5;
    public static final double DEFAULT_DECAY = 0.9;

    private static final BatchNormConfig DEFAULTS = new Builder().build();

    private final double eps;
    private final double decay;
    private final RunningAverage runningAverage;
    private final RunningVariance runningVariance;
    private final NonFinitePolicy nonFinitePolicy;
    private final boolean gammaBetaLocked;
    private final double lockedGamma;
    private final double lockedBeta;
    private final BatchRenorm renorm;
    private final int ghostBatchSize;
    private final Activation activation;

    private BatchNormConfig(Builder b) {
        this.eps = b.eps;
        this.decay = b.decay;
        this.runningAverage = b.runningAverage;
        this.runningVariance = b.runningVariance;
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.gammaBetaLocked = b.gammaBetaLocked;
        this.lockedGamma = b.lockedGamma;
        this.lockedBeta = b.lockedBeta;
        this.renorm = b.renorm;
        this.ghostBatchSize = b.ghostBatchSize;
        this.activation = b.activation;
    }

    /** @return the configuration with every option at its default */
    public static BatchNormConfig defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder that starts from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder()
                .eps(eps).decay(decay).runningAverage(runningAverage).runningVariance(runningVariance)
                .nonFinitePolicy(nonFinitePolicy).renorm(renorm).ghostBatchSize(ghostBatchSize).activation(activation);
        return gammaBetaLocked ? b.lockGammaBeta(lockedGamma, lockedBeta) : b;
    }

    /** @return the constant added to the variance before the square root, &gt; 0 */
    public double eps() {
        return eps;
    }

    /** @return the weight of the old running value under {@link RunningAverage#EXPONENTIAL}, in [0, 1) */
    public double decay() {
        return decay;
    }

    public RunningAverage runningAverage() {
        return runningAverage;
    }

    public RunningVariance runningVariance() {
        return runningVariance;
    }

    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** @return true when gamma and beta are the constants {@link #lockedGamma()} and {@link #lockedBeta()} */
    public boolean isGammaBetaLocked() {
        return gammaBetaLocked;
    }

    /** @return the fixed gamma when locked; 1 otherwise */
    public double lockedGamma() {
        return lockedGamma;
    }

    /** @return the fixed beta when locked; 0 otherwise */
    public double lockedBeta() {
        return lockedBeta;
    }

    /** @return the batch renormalization clipping, or null for plain batch normalization */
    public BatchRenorm renorm() {
        return renorm;
    }

    /** @return examples per ghost batch in training; 0 when the whole batch is normalized as one */
    public int ghostBatchSize() {
        return ghostBatchSize;
    }

    /** @return the activation applied to the normalized output; {@link Activation#IDENTITY} for none */
    public Activation activation() {
        return activation;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BatchNormConfig c
                && Double.compare(eps, c.eps) == 0 && Double.compare(decay, c.decay) == 0
                && runningAverage == c.runningAverage && runningVariance == c.runningVariance
                && nonFinitePolicy == c.nonFinitePolicy && gammaBetaLocked == c.gammaBetaLocked
                && Double.compare(lockedGamma, c.lockedGamma) == 0 && Double.compare(lockedBeta, c.lockedBeta) == 0
                && Objects.equals(renorm, c.renorm) && ghostBatchSize == c.ghostBatchSize
                && activation.equals(c.activation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eps, decay, runningAverage, runningVariance, nonFinitePolicy, gammaBetaLocked,
                lockedGamma, lockedBeta, renorm, ghostBatchSize, activation);
    }

    @Override
    public String toString() {
        return "BatchNormConfig{eps=" + eps + ", decay=" + decay + ", runningAverage=" + runningAverage
                + ", runningVariance=" + runningVariance + ", nonFinitePolicy=" + nonFinitePolicy
                + (gammaBetaLocked ? ", gamma=" + lockedGamma + ", beta=" + lockedBeta + " (locked)" : "")
                + (renorm != null ? ", renorm=" + renorm : "")
                + (ghostBatchSize > 0 ? ", ghostBatchSize=" + ghostBatchSize : "")
                + (activation.isIdentity() ? "" : ", activation=" + activation) + "}";
    }

    /** Collects options; {@link #build()} validates them all. Not thread-safe. */
    public static final class Builder {
        private double eps = DEFAULT_EPS;
        private double decay = DEFAULT_DECAY;
        private RunningAverage runningAverage = RunningAverage.EXPONENTIAL;
        private RunningVariance runningVariance = RunningVariance.BIASED;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.REJECT;
        private boolean gammaBetaLocked = false;
        private double lockedGamma = 1.0;
        private double lockedBeta = 0.0;
        private BatchRenorm renorm;
        private int ghostBatchSize;
        private Activation activation = Activation.IDENTITY;

        private Builder() {
        }

        /** @param eps added to the variance before the square root; must be finite and &gt; 0 */
        public Builder eps(double eps) {
            this.eps = eps;
            return this;
        }

        /** @param decay weight of the old running value, {@code running = decay * running + (1 - decay) * batch}; in [0, 1) */
        public Builder decay(double decay) {
            this.decay = decay;
            return this;
        }

        public Builder runningAverage(RunningAverage runningAverage) {
            this.runningAverage = runningAverage;
            return this;
        }

        public Builder runningVariance(RunningVariance runningVariance) {
            this.runningVariance = runningVariance;
            return this;
        }

        public Builder nonFinitePolicy(NonFinitePolicy nonFinitePolicy) {
            this.nonFinitePolicy = nonFinitePolicy;
            return this;
        }

        /** Fixes gamma and beta to constants: {@code y = gamma * xHat + beta}, nothing learned. */
        public Builder lockGammaBeta(double gamma, double beta) {
            this.gammaBetaLocked = true;
            this.lockedGamma = gamma;
            this.lockedBeta = beta;
            return this;
        }

        /** @param renorm batch renormalization in training, or null (the default) for plain batch normalization */
        public Builder renorm(BatchRenorm renorm) {
            this.renorm = renorm;
            return this;
        }

        /**
         * @param examples examples per ghost batch (Hoffer et al. 2017; Keras' {@code virtual_batch_size}): training
         *                 normalizes each run of this many consecutive examples with its own statistics. It must divide
         *                 every training batch. 0 (the default) normalizes the whole batch as one.
         */
        public Builder ghostBatchSize(int examples) {
            this.ghostBatchSize = examples;
            return this;
        }

        /** @param activation applied to the normalized output in the same passes over memory; not null */
        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        /**
         * @return the validated configuration
         * @throws IllegalArgumentException naming the first invalid option
         */
        public BatchNormConfig build() {
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
            }
            if (!(decay >= 0 && decay < 1)) {
                throw new IllegalArgumentException("decay must be in [0, 1), got " + decay
                        + " (DL4J convention: the weight of the old running value)");
            }
            if (runningAverage == null || runningVariance == null || nonFinitePolicy == null || activation == null) {
                throw new IllegalArgumentException(
                        "runningAverage, runningVariance, nonFinitePolicy and activation must not be null");
            }
            if (!Double.isFinite(lockedGamma) || !Double.isFinite(lockedBeta)) {
                throw new IllegalArgumentException("locked gamma and beta must be finite, got gamma=" + lockedGamma
                        + ", beta=" + lockedBeta);
            }
            if (ghostBatchSize < 0) {
                throw new IllegalArgumentException("ghostBatchSize must be >= 0 (0 turns ghost batches off), got "
                        + ghostBatchSize);
            }
            return new BatchNormConfig(this);
        }
    }
}
