package org.bn4j.core;

import org.bn4j.core.kernel.ActivationGate;
import org.bn4j.core.kernel.Passes;
import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015, arXiv 1502.03167) over dense, contiguous, row-major {@link Values}
 * of any {@link Layout}, in float or double. The single entry point of bn-core: one method per operation.
 *
 * <pre>
 * per channel, over the m = batch * spatial values x of that channel:
 *   mean = sum(x) / m,  biasedVar = sum((x - mean)^2) / m,  invStd = 1 / sqrt(biasedVar + eps)
 *   xHat = (x - mean) * invStd,   y = act(gamma * xHat + beta)
 * backward, from dy = dL/dy (g = dy through the activation's gradient):
 *   dBeta = sum(g),  dGamma = sum(g * xHat)
 *   dx = gamma * invStd * (g - dBeta / m - xHat * dGamma / m)
 * </pre>
 *
 * <p>The {@link Activation} of the config is applied in the normalizing pass; the backward passes gate its gradient
 * on x against a per-channel threshold, the x at which the forward pass's {@code gamma * xHat + beta} turns positive.
 * The statistics are x's. Statistics are accumulated in double for float data too, as shifted sums per block, so
 * large offsets do not cancel. Results are bitwise identical for every {@link Parallelism}. Outputs may be their
 * inputs ({@code y} x, {@code dx} dy: see {@link Values}).
 *
 * <p>Every argument is checked before anything is written: a call that throws leaves its outputs as they were, and
 * {@link RunningStats} are immutable, so a failed step loses nothing. One exception: {@link #forwardInference}
 * checks x for non-finite values in the pass that writes y (so that it reads x once), and leaves y written when it
 * rejects x, unless y is x. Immutable and thread-safe.
 *
 * <p>With {@code --add-modules jdk.incubator.vector} the loops the JIT does not vectorize by itself run on the
 * incubating Vector API; without it, in plain Java (see {@link #usesVectorApi()}).
 */
public final class BatchNormalizer {
    private final BatchNormConfig config;
    private final Parallelism parallelism;
    /** The config's activation as the kernels take it. */
    private final double slope;

    /** Uses every available processor. */
    public BatchNormalizer(BatchNormConfig config) {
        this(config, Parallelism.availableProcessors());
    }

    public BatchNormalizer(BatchNormConfig config, Parallelism parallelism) {
        this.config = Checks.notNull("config", config);
        this.parallelism = Checks.notNull("parallelism", parallelism);
        this.slope = config.activation().kernelSlope();
    }

    public BatchNormConfig config() {
        return config;
    }

    public Parallelism parallelism() {
        return parallelism;
    }

    /**
     * @return whether this JVM runs bn-core's hot loops with the Vector API: true when it was started with
     * {@code --add-modules jdk.incubator.vector} and the system property {@code bn4j.vectorApi} is not {@code false}.
     * Decided once per JVM; results differ between the two only in the last bits.
     */
    public static boolean usesVectorApi() {
        return Loops.usesVectorApi();
    }

    /**
     * Training forward: normalizes x with its own batch statistics (per ghost batch when the config has them).
     *
     * @param x       input, {@code shape.size()} values. Not modified (unless it is y).
     * @param shape   dimensions and layout of x; at least 2 values per channel (per ghost batch)
     * @param gamma   scale per channel, length C; null when gamma and beta are locked. Not modified.
     * @param beta    shift per channel, length C; null when locked. Not modified.
     * @param running the running statistics that {@link BatchRenorm batch renormalization} corrects towards: required
     *                when the config has it; else may be null, and is checked for the channel count when given
     * @param y       output, {@code shape.size()} values of x's element type. Modified.
     * @return the batch statistics, for {@link #backward} and {@link RunningStats#updated}
     * @throws NonFiniteInputException  if x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length, type, channel-count or batch-size mismatch
     */
    public BatchStats forwardTraining(Values x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      Values y) {
        return forwardTraining(Checks.data("x", x, shape, null, false), shape, gamma, beta, running,
                Checks.data("y", y, shape, x, true));
    }

    /** Statistics of every ghost batch first, so that a rejected input leaves y untouched; then normalizing. */
    private <A> BatchStats forwardTraining(Data<A> x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                           Data<A> y) {
        Shape part = Checks.ghostBatch(config, shape);
        Checks.trainingRunning(config, running, shape);
        double[] g = Checks.gamma(config, gamma, shape);
        double[] b = Checks.beta(config, beta, shape);
        Passes<A> passes = new Passes<>(x, part.kernelDims(), parallelism::forEach);
        int len = part.size();
        BatchStats[] parts = new BatchStats[shape.batch() / part.batch()];
        for (int i = 0; i < parts.length; i++) {
            Passes.Statistics s = passes.statistics(x.slice(i * len, len));
            BatchStats stats = new BatchStats(s.mean(), s.biasedVar(), config.eps(), s.count());
            Checks.finiteStatistics(config, stats, shape, x);
            parts[i] = config.renorm() == null ? stats : stats.renormalized(running, config.renorm());
        }
        for (int i = 0; i < parts.length; i++) {
            BatchStats stats = parts[i];
            passes.normalize(x.slice(i * len, len), y.slice(i * len, len), stats.mean,
                    Coefficients.trainingScale(g, stats), Coefficients.trainingShift(g, b, stats), slope);
        }
        return parts.length == 1 ? parts[0] : BatchStats.ofGhosts(parts);
    }

    /**
     * A bound on the magnitude of every output of the training-mode forward pass that returned {@code stats}, so
     * that callers storing outputs in a narrower type can skip scanning them for overflow: per channel (and ghost
     * batch) {@code |y| <= |gamma * r * invStd| * sqrt(m * biasedVar) + |beta + gamma * d|}.
     *
     * @param gamma as in the forward pass; null when locked
     * @param beta  as in the forward pass; null when locked
     * @return the largest bound over channels and ghost batches; NaN or infinite when the statistics are not finite
     */
    public double trainingOutputBound(BatchStats stats, double[] gamma, double[] beta) {
        Shape channels = Shape.of(Layout.NC, 2, stats.channels());
        double[] g = Checks.gamma(config, gamma, channels);
        double[] b = Checks.beta(config, beta, channels);
        return OutputBounds.training(stats, g, b);
    }

    /**
     * Inference forward: {@code y = act(gamma * (x - running.mean) / sqrt(running.var + eps) + beta)}.
     *
     * @param x       input, {@code shape.size()} values. Not modified (unless it is y).
     * @param shape   dimensions and layout of x
     * @param gamma   scale per channel, length C; null when locked. Not modified.
     * @param beta    shift per channel, length C; null when locked. Not modified.
     * @param running population estimates with C channels
     * @param y       output, {@code shape.size()} values of x's element type. Modified.
     * @return an upper bound on {@code |y|} and on the centred input, measured under {@link NonFinitePolicy#REJECT}
     *         (which reads x anyway, to check it) so that a caller storing y in a narrower type can skip scanning it;
     *         +infinity under {@link NonFinitePolicy#PROPAGATE}. Rounding to the element type can exceed it by a few
     *         units in the last place.
     * @throws NonFiniteInputException  if x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length, type or channel-count mismatch
     */
    public double forwardInference(Values x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                   Values y) {
        return forwardInference(Checks.data("x", x, shape, null, false), shape, gamma, beta, running,
                Checks.data("y", y, shape, x, true), x.storage == y.storage);
    }

    private <A> double forwardInference(Data<A> x, Shape shape, double[] gamma, double[] beta,
                                        RunningStats running, Data<A> y, boolean inPlace) {
        Checks.running(running, shape);
        double[] g = Checks.gamma(config, gamma, shape);
        double[] b = Checks.beta(config, beta, shape);
        Passes<A> passes = new Passes<>(x, shape.kernelDims(), parallelism::forEach);
        double[] scale = Coefficients.inferenceScale(g, running, config.eps());
        if (!Checks.rejectsNonFinite(config)) {
            passes.normalize(x, y, running.mean, scale, b, slope);
            return Double.POSITIVE_INFINITY;
        }
        double largest;
        if (inPlace) {
            largest = passes.largestMagnitude(x);
            if (Double.isFinite(largest)) {
                passes.normalize(x, y, running.mean, scale, b, slope);
            }
        } else {
            largest = passes.normalizeMeasuring(x, y, running.mean, scale, b, slope);
        }
        if (!Double.isFinite(largest)) {
            throw Checks.nonFinite(shape, "x", x);
        }
        return OutputBounds.inference(largest, running.mean, scale, b);
    }

    /**
     * The inference pass as one affine map per channel, before the activation, for callers that fold it into
     * something else.
     *
     * @param gamma   scale per channel, length C; null when locked. Not modified.
     * @param beta    shift per channel, length C; null when locked. Not modified.
     * @param running population estimates with C channels
     * @return {@code scale * x + shift}, equal to {@link #forwardInference} with identity up to rounding
     */
    public ChannelAffine inferenceAffine(double[] gamma, double[] beta, RunningStats running) {
        Checks.notNull("running statistics", running);
        Shape shape = Shape.of(Layout.NC, 1, running.channels());
        double[] scale = Coefficients.inferenceScale(Checks.gamma(config, gamma, shape), running, config.eps());
        return new ChannelAffine(scale, Coefficients.inferenceShift(Checks.beta(config, beta, shape), running, scale));
    }

    /**
     * Backward of the training forward pass.
     *
     * @param x     the input of the forward pass. Not modified.
     * @param dy    gradient of the loss with respect to y, {@code shape.size()} values. Not modified (unless it is dx).
     * @param shape as in the forward pass
     * @param gamma as in the forward pass; null when locked. Not modified.
     * @param beta  as in the forward pass; null when locked. Not modified. Only ReLU and leaky ReLU need it (to
     *              find the side of the kink): for {@link Activation#IDENTITY} it may be null
     * @param saved what the forward pass returned
     * @param dx    gradient with respect to x, {@code shape.size()} values. Modified. May be dy, not x.
     * @return gradients with respect to gamma and beta, and a bound on {@code |dx|}
     * @throws NonFiniteInputException  if dy or x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length or type mismatch, statistics saved for another shape, a null
     *                                  beta that the activation needs, or dx being x
     */
    public ParamGradients backward(Values x, Values dy, Shape shape, double[] gamma, double[] beta, BatchStats saved,
                                   Values dx) {
        Checks.notX(dx, x);
        return backward(Checks.data("x", x, shape, null, false), Checks.data("dy", dy, shape, x, false), shape, gamma,
                beta, saved, Checks.data("dx", dx, shape, x, true));
    }

    /** The gradient sums of every ghost batch first, so that a rejected x or dy leaves dx untouched; then dx. */
    private <A> ParamGradients backward(Data<A> x, Data<A> dy, Shape shape, double[] gamma, double[] beta,
                                        BatchStats saved, Data<A> dx) {
        Checks.saved(saved, shape);
        double[] g = Checks.gamma(config, gamma, shape);
        double[] b = Checks.activationBeta(config, beta, shape);
        BatchStats[] parts = saved.parts();
        Shape part = shape.withBatch(shape.batch() / parts.length);
        int len = part.size();
        Passes<A> passes = new Passes<>(x, part.kernelDims(), parallelism::forEach);
        double[][][] sums = new double[parts.length][][];
        ActivationGate<A> gate = null;
        for (int i = 0; i < parts.length; i++) {
            gate = trainingGate(passes, g, b, parts[i]);
            sums[i] = passes.gradSums(x.slice(i * len, len), dy.slice(i * len, len), parts[i].mean, gate);
            Checks.finiteGradientSums(config, sums[i], shape, x, dy);
        }
        int c = shape.channels();
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        double dxBound = 0;
        for (int i = 0; i < parts.length; i++) {
            BatchStats stats = parts[i];
            double[] sumDy = sums[i][0];
            double[] sumDyXc = sums[i][1];
            GradientCoefficients k = GradientCoefficients.training(g, stats, sumDy, sumDyXc);
            dxBound = Math.max(dxBound, OutputBounds.trainingGradient(stats, k, sums[i][2]));   // NaN stays
            for (int ch = 0; ch < c; ch++) {
                // under renorm, y = gamma * (r * xHat + d) + beta
                double partDGamma = k.invStd[ch] * sumDyXc[ch];
                dGamma[ch] += stats.r == null ? partDGamma : stats.r[ch] * partDGamma + stats.d[ch] * sumDy[ch];
                dBeta[ch] += sumDy[ch];
            }
            if (parts.length > 1) {
                gate = trainingGate(passes, g, b, stats);   // one gate is live at a time: the last batch's, so far
            }
            passes.gradApply(x.slice(i * len, len), dy.slice(i * len, len), dx.slice(i * len, len), stats.mean,
                    k.dyScale, k.xcScale, k.offset, gate);
        }
        return new ParamGradients(dGamma, dBeta, dxBound);
    }

    /** The activation's gate of one (ghost) batch, null without beta; one gate is live at a time (Passes.gate). */
    private <A> ActivationGate<A> trainingGate(Passes<A> passes, double[] g, double[] b, BatchStats stats) {
        return b == null ? null
                : passes.gate(stats.mean, Coefficients.trainingScale(g, stats), Coefficients.trainingShift(g, b, stats),
                        slope);
    }

    /**
     * Backward of the inference forward pass, where the statistics are constants: what a frozen layer that still
     * passes gradients back needs. {@code dx = gamma * g / sqrt(running.var + eps)}, {@code dGamma = sum(g * xHat)},
     * {@code dBeta = sum(g)}.
     *
     * @param x       the input of the forward pass. Not modified.
     * @param dy      gradient of the loss with respect to y. Not modified (unless it is dx).
     * @param shape   as in the forward pass
     * @param gamma   as in the forward pass; null when locked. Not modified.
     * @param beta    as in the forward pass; null when locked. Not modified. Only ReLU and leaky ReLU need it: for
     *                {@link Activation#IDENTITY} it may be null
     * @param running the statistics the forward pass used
     * @param dx      gradient with respect to x. Modified. May be dy, not x.
     * @return gradients with respect to gamma and beta; the bound on {@code |dx|} is +infinity (not measured)
     */
    public ParamGradients backwardInference(Values x, Values dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, Values dx) {
        Checks.notX(dx, x);
        return backwardInference(Checks.data("x", x, shape, null, false), Checks.data("dy", dy, shape, x, false),
                shape, gamma, beta, running, Checks.data("dx", dx, shape, x, true));
    }

    private <A> ParamGradients backwardInference(Data<A> x, Data<A> dy, Shape shape, double[] gamma, double[] beta,
                                                 RunningStats running, Data<A> dx) {
        Checks.running(running, shape);
        double[] g = Checks.gamma(config, gamma, shape);
        double[] b = Checks.activationBeta(config, beta, shape);
        Passes<A> passes = new Passes<>(x, shape.kernelDims(), parallelism::forEach);
        ActivationGate<A> gate = b == null ? null
                : passes.gate(running.mean, Coefficients.inferenceScale(g, running, config.eps()), b, slope);
        double[][] sums = passes.gradSums(x, dy, running.mean, gate);
        Checks.finiteGradientSums(config, sums, shape, x, dy);
        GradientCoefficients k = GradientCoefficients.inference(g, running, config.eps());
        double[] dGamma = new double[k.invStd.length];
        for (int ch = 0; ch < dGamma.length; ch++) {
            dGamma[ch] = k.invStd[ch] * sums[1][ch];
        }
        passes.gradApply(x, dy, dx, running.mean, k.dyScale, k.xcScale, k.offset, gate);
        // x - running.mean, an intermediate of dx, is not bounded by anything measured here.
        return new ParamGradients(dGamma, sums[0], Double.POSITIVE_INFINITY);
    }
}
