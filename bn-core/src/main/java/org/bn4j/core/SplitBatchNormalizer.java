package org.bn4j.core;

import org.bn4j.core.kernel.Moments;

/**
 * Batch normalization of one batch split across workers, each holding a part (synchronized BN, as PyTorch's
 * {@code SyncBatchNorm}): every worker normalizes its part with the statistics of the whole batch, and gets its
 * part of the whole batch's input gradient. The phases, each followed by an exchange between the workers:
 *
 * <pre>
 * forward:  share = moments(x)                 exchange; global = ChannelMoments.merge(shares, eps)
 *           normalize(x, global) -&gt; y
 * backward: share = gradientSums(x, dy, global) exchange; whole = ChannelGradientSums.sum(shares)
 *           backward(x, dy, global, share, whole) -&gt; dx, and this part's dGamma, dBeta
 * with an activation, dy is first its gradient at the normalized values, recomputed from x
 * </pre>
 * With the same global statistics and sums, the formulas are those of {@link BatchNormalizer}, with
 * {@code m = global.count()}: {@code dx = gamma * invStd * (dy - sum(dy) / m - (x - mean) * invStd^2 * sum(dy * (x - mean)) / m)}.
 * The parts' dGamma and dBeta add up to the whole batch's.
 *
 * <p>A plain implementation over double arrays, one pass per phase, any {@link Layout}; synchronized BN is limited by
 * the exchange, not by this arithmetic. Ghost batches and batch renormalization are per-worker notions and are
 * refused. Validation happens before anything is written. Immutable and thread-safe.
 */
public final class SplitBatchNormalizer {
    private final BatchNormConfig config;

    /**
     * @throws IllegalArgumentException if the config has ghost batches or batch renormalization
     */
    public SplitBatchNormalizer(BatchNormConfig config) {
        if (config == null) {
            throw new IllegalArgumentException("config must not be null");
        }
        if (config.ghostBatchSize() > 0 || config.renorm() != null) {
            throw new IllegalArgumentException(
                    "synchronized batch normalization normalizes the whole batch at once; it "
                            + "cannot be combined with "
                            + (config.renorm() != null ? "batch renormalization" : "ghost batches"));
        }
        this.config = config;
    }

    public BatchNormConfig config() {
        return config;
    }

    /**
     * @param x     this worker's part, {@code shape.size()} values. Not modified.
     * @param shape its dimensions and layout (any batch size &gt;= 1)
     * @return its share of the statistics
     * @throws NonFiniteInputException if x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     */
    public ChannelMoments moments(double[] x, Shape shape) {
        requireLength("x", x, shape);
        requireFinite("x", x, shape);
        int c = shape.channels();
        double[] sum = new double[c];
        for (int i = 0; i < x.length; i++) {
            sum[shape.channelOf(i)] += x[i];
        }
        long count = shape.valuesPerChannel();
        double[] mean = new double[c];
        for (int ch = 0; ch < c; ch++) {
            mean[ch] = sum[ch] / count;
        }
        // corrected two-pass: the sum of deviations absorbs the rounding of the provisional mean
        double[] sumD = new double[c];
        double[] sumD2 = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            double d = x[i] - mean[ch];
            sumD[ch] += d;
            sumD2[ch] += d * d;
        }
        double[] m2 = new double[c];
        for (int ch = 0; ch < c; ch++) {
            Moments part = Moments.ofDeviations(count, mean[ch], sumD[ch], sumD2[ch]);
            mean[ch] = part.mean;
            m2[ch] = part.m2;
        }
        return new ChannelMoments(count, mean, m2);
    }

    /**
     * {@code y = act(gamma * (x - global.mean) * global.invStd + beta)}, act the config's {@link Activation}.
     *
     * @param x      this worker's part. Not modified.
     * @param gamma  scale per channel, length C; null when locked. Not modified.
     * @param beta   shift per channel, length C; null when locked. Not modified.
     * @param global the merged statistics of the whole batch
     * @param y      output, {@code shape.size()} values. Modified.
     */
    public void normalize(double[] x, Shape shape, double[] gamma, double[] beta, BatchStats global, double[] y) {
        requireLength("x", x, shape);
        requireLength("y", y, shape);
        requireGlobal(global, shape);
        double[] scale = scale(gamma, global, shape);
        double[] b = Checks.beta(config, beta, shape);
        Activation act = config.activation();
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            y[i] = act.apply((x[i] - global.mean[ch]) * scale[ch] + b[ch]);
        }
    }

    private double[] scale(double[] gamma, BatchStats global, Shape shape) {
        double[] g = Checks.gamma(config, gamma, shape);
        double[] scale = new double[g.length];
        for (int ch = 0; ch < scale.length; ch++) {
            scale[ch] = g[ch] * global.invStd[ch];
        }
        return scale;
    }

    /**
     * @return the activation's gradient of dy: the gradient with respect to the normalized values, which
     * {@link #normalize} recomputes as it computed them
     */
    private double[] gatedGradient(double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats global) {
        double[] b = Checks.activationBeta(config, beta, shape);
        if (b == null) {
            return dy;
        }
        Activation act = config.activation();
        double[] scale = scale(gamma, global, shape);
        double[] g = new double[dy.length];
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            g[i] = act.gradient((x[i] - global.mean[ch]) * scale[ch] + b[ch], dy[i]);
        }
        return g;
    }

    /**
     * @param x      this worker's part, as in the forward pass. Not modified.
     * @param dy     the gradient of the loss with respect to its outputs. Not modified.
     * @param gamma  as in the forward pass; null when locked. Not modified.
     * @param beta   as in the forward pass; null when locked. Not modified. May be null for {@link Activation#IDENTITY}
     * @param global the merged statistics the forward pass used
     * @return its share of the gradient sums
     * @throws NonFiniteInputException if dy holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     */
    public ChannelGradientSums gradientSums(double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                                            BatchStats global) {
        requireLength("x", x, shape);
        requireLength("dy", dy, shape);
        requireGlobal(global, shape);
        requireFinite("dy", dy, shape);
        dy = gatedGradient(x, dy, shape, gamma, beta, global);
        int c = shape.channels();
        double[] sumDy = new double[c];
        double[] sumDyXc = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            sumDy[ch] += dy[i];
            sumDyXc[ch] += dy[i] * (x[i] - global.mean[ch]);
        }
        return new ChannelGradientSums(sumDy, sumDyXc);
    }

    /**
     * @param x      this worker's part. Not modified.
     * @param dy     the gradient with respect to its outputs. Not modified.
     * @param gamma  as in the forward pass; null when locked. Not modified.
     * @param beta   as in the forward pass; null when locked. Not modified. May be null for {@link Activation#IDENTITY}
     * @param global the merged statistics the forward pass used
     * @param share  this part's gradient sums, from {@link #gradientSums}
     * @param whole  the sums of every worker's share
     * @param dx     this part of the input gradient, {@code shape.size()} values. Modified.
     * @return this part's gradients of gamma and beta (the whole batch's are their sum over the workers); no bound on
     *         dx is known (+infinity)
     */
    public ParamGradients backward(double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats global, ChannelGradientSums share, ChannelGradientSums whole,
                                   double[] dx) {
        requireLength("x", x, shape);
        requireLength("dy", dy, shape);
        requireLength("dx", dx, shape);
        requireGlobal(global, shape);
        int c = shape.channels();
        if (share == null || whole == null || share.channels() != c || whole.channels() != c) {
            throw new IllegalArgumentException("gradient sums must have " + c + " channels, as " + shape + " has");
        }
        double[] g = Checks.gamma(config, gamma, shape);
        double[] gated = gatedGradient(x, dy, shape, gamma, beta, global);
        GradientCoefficients k = GradientCoefficients.training(g, global, whole.sumDy, whole.sumDyXc);
        double[] dGamma = new double[c];
        for (int ch = 0; ch < c; ch++) {
            dGamma[ch] = k.invStd[ch] * share.sumDyXc[ch];
        }
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            dx[i] = gated[i] * k.dyScale[ch] + (x[i] - global.mean[ch]) * k.xcScale[ch] + k.offset[ch];
        }
        return new ParamGradients(dGamma, share.sumDy.clone(), Double.POSITIVE_INFINITY);
    }

    // --- validation ---

    private static void requireLength(String name, double[] values, Shape shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        if (values == null || values.length != shape.size()) {
            throw new IllegalArgumentException(
                    name + (values == null ? " is null" : " has " + values.length + " values")
                            + " but shape " + shape + " needs " + shape.size());
        }
    }

    private static void requireGlobal(BatchStats global, Shape shape) {
        if (global == null || global.channels() != shape.channels()) {
            throw new IllegalArgumentException("the merged statistics have " + (global == null ? "no"
                    : global.channels()) + " channels but " + shape + " has " + shape.channels());
        }
        if (global.ghostBatches() != 1 || global.r != null) {
            throw new IllegalArgumentException(
                    "the merged statistics must be of one whole batch, without ghost batches "
                            + "or renormalization");
        }
    }

    private void requireFinite(String name, double[] values, Shape shape) {
        if (config.nonFinitePolicy() != NonFinitePolicy.REJECT) {
            return;
        }
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new NonFiniteInputException(name, i, values[i], shape);
            }
        }
    }
}
