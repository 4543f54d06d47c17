package org.bn4j.core;

import java.nio.Buffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batch normalization (Ioffe &amp; Szegedy 2015, arXiv 1502.03167) over dense, contiguous, row-major arrays of
 * any {@link Layout}, in float or double. The single entry point of bn-core.
 *
 * <pre>
 * per channel, over the m = batch * spatial values x of that channel:
 *   mean = sum(x) / m,  biasedVar = sum((x - mean)^2) / m,  invStd = 1 / sqrt(biasedVar + eps)
 *   xHat = (x - mean) * invStd,   y = gamma * xHat + beta
 * backward, from dy = dL/dy:
 *   dBeta = sum(dy),  dGamma = sum(dy * xHat)
 *   dx = gamma * invStd * (dy - dBeta / m - xHat * dGamma / m)
 * </pre>
 *
 * <p>With an {@link Activation} in the config, {@code y = act(gamma * xHat + beta)}, applied in the same pass, and
 * the backward pass takes the activation's gradient of dy in place of dy, recomputing {@code gamma * xHat + beta}
 * from x in its own passes; it needs beta for that (the backward overloads that take it). The statistics are x's.
 *
 * <p>Statistics are accumulated in double for float data too, block by block in one pass of deviations from one of
 * the block's own values (shifted sums), so large offsets do not cancel. Results are bitwise identical for every
 * {@link Parallelism}. Outputs may alias inputs ({@code y == x}, {@code dx == dy}).
 *
 * <p>Data comes as arrays, as NIO buffers, or as {@link DirectFloats}; the last two let callers hand over off-heap
 * memory (ND4J's, for one) without copying tensors to the Java heap, and {@link DirectFloats} is the fastest.
 *
 * <p>Validation happens before anything is written: a call that throws leaves its output arrays as they
 * were, and {@link RunningStats} are immutable, so a failed step loses nothing. One exception, for speed:
 * {@link #forwardInference(float[], Shape, double[], double[], RunningStats, float[]) forwardInference} checks x for
 * NaN and infinities in the same pass that writes y, so when it rejects x it leaves y written (unless y is x, which it
 * checks before overwriting). Immutable and thread-safe.
 *
 * <p>Started with {@code --add-modules jdk.incubator.vector}, the JVM runs the loops its JIT does not vectorize (the
 * statistics, the gradient sums, channels-last rows) with the incubating Vector API, several times faster; without
 * it, in plain Java. See {@link #usesVectorApi()}.
 */
public final class BatchNormalizer {
    /** What the backward overloads without beta pass on: beta not given. */
    private static final double[] NO_BETA = new double[0];

    private final BatchNormConfig config;
    private final Parallelism parallelism;

    /** Uses every available processor. */
    public BatchNormalizer(BatchNormConfig config) {
        this(config, Parallelism.availableProcessors());
    }

    public BatchNormalizer(BatchNormConfig config, Parallelism parallelism) {
        if (config == null || parallelism == null) {
            throw new IllegalArgumentException("config and parallelism must not be null");
        }
        this.config = config;
        this.parallelism = parallelism;
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
        return !(Loops.CHOSEN instanceof ScalarLoops);
    }

    // --- training forward ---

    /**
     * Normalizes x with its own batch statistics.
     *
     * @param x     input, {@code shape.size()} values. Not modified (unless it is y).
     * @param shape dimensions and layout of x; at least 2 values per channel
     * @param gamma scale per channel, length C; null when gamma and beta are locked. Not modified.
     * @param beta  shift per channel, length C; null when locked. Not modified.
     * @param y     output, {@code shape.size()} values. Modified.
     * @return the batch statistics, for {@link #backward} and {@link RunningStats#updated}
     * @throws NonFiniteInputException  if x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length, channel-count or batch-size mismatch
     */
    public BatchStats forwardTraining(float[] x, Shape shape, double[] gamma, double[] beta, float[] y) {
        return forwardTraining(floats("x", x, shape), shape, gamma, beta, null, floats("y", y, shape));
    }

    /**
     * As {@link #forwardTraining(float[], Shape, double[], double[], float[])}, with the running statistics that
     * {@link BatchRenorm batch renormalization} corrects towards (required when the config has it, else checked
     * for the channel count and not used).
     */
    public BatchStats forwardTraining(float[] x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      float[] y) {
        return forwardTraining(floats("x", x, shape), shape, gamma, beta, running, floats("y", y, shape));
    }

    /** As {@link #forwardTraining(float[], Shape, double[], double[], float[])}, for double data. */
    public BatchStats forwardTraining(double[] x, Shape shape, double[] gamma, double[] beta, double[] y) {
        return forwardTraining(doubles("x", x, shape), shape, gamma, beta, null, doubles("y", y, shape));
    }

    /** As {@link #forwardTraining(float[], Shape, double[], double[], RunningStats, float[])}, for double data. */
    public BatchStats forwardTraining(double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      double[] y) {
        return forwardTraining(doubles("x", x, shape), shape, gamma, beta, running, doubles("y", y, shape));
    }

    /**
     * As {@link #forwardTraining(float[], Shape, double[], double[], float[])}, over buffers: the values from
     * each buffer's position to its limit, which must hold {@code shape.size()} values. Positions are not moved.
     * Direct buffers (such as views of off-heap memory) are read and written a segment at a time, never copied whole.
     */
    public BatchStats forwardTraining(FloatBuffer x, Shape shape, double[] gamma, double[] beta, FloatBuffer y) {
        return forwardTraining(floats("x", x, shape, false), shape, gamma, beta, null,
                floats("y", y, shape, true));
    }

    /** As {@link #forwardTraining(float[], Shape, double[], double[], RunningStats, float[])}, over buffers. */
    public BatchStats forwardTraining(FloatBuffer x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      FloatBuffer y) {
        return forwardTraining(floats("x", x, shape, false), shape, gamma, beta, running,
                floats("y", y, shape, true));
    }

    /** As {@link #forwardTraining(FloatBuffer, Shape, double[], double[], FloatBuffer)}, for double data. */
    public BatchStats forwardTraining(DoubleBuffer x, Shape shape, double[] gamma, double[] beta, DoubleBuffer y) {
        return forwardTraining(doubles("x", x, shape, false), shape, gamma, beta, null,
                doubles("y", y, shape, true));
    }

    /** As {@link #forwardTraining(FloatBuffer, Shape, double[], double[], RunningStats, FloatBuffer)}, for double data. */
    public BatchStats forwardTraining(DoubleBuffer x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      DoubleBuffer y) {
        return forwardTraining(doubles("x", x, shape, false), shape, gamma, beta, running,
                doubles("y", y, shape, true));
    }

    /**
     * As {@link #forwardTraining(float[], Shape, double[], double[], float[])}, over off-heap memory, read and written
     * in place (see {@link DirectFloats}).
     */
    public BatchStats forwardTraining(DirectFloats x, Shape shape, double[] gamma, double[] beta, DirectFloats y) {
        return forwardTraining(direct("x", x, shape, false), shape, gamma, beta, null, direct("y", y, shape, true));
    }

    /** As {@link #forwardTraining(float[], Shape, double[], double[], RunningStats, float[])}, over off-heap memory. */
    public BatchStats forwardTraining(DirectFloats x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                      DirectFloats y) {
        return forwardTraining(direct("x", x, shape, false), shape, gamma, beta, running, direct("y", y, shape, true));
    }

    /**
     * Statistics for every ghost batch first (the batch is one when ghost batches are off), so that a rejected input
     * leaves y untouched; then each ghost batch is normalized with its own.
     */
    private <A> BatchStats forwardTraining(Data<A> x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                           Data<A> y) {
        Shape part = ghostShape(shape);
        if (part.valuesPerChannel() < 2) {
            throw new IllegalArgumentException("training needs at least 2 values per channel to estimate a variance, but "
                    + part + " gives " + part.valuesPerChannel() + " (batch " + part.batch() + " x spatial "
                    + part.spatial() + ")" + (part == shape ? "" : " in each ghost batch of " + shape));
        }
        if (config.renorm() != null && running == null) {
            throw new IllegalArgumentException("batch renormalization needs the running statistics: call the "
                    + "forwardTraining overload that takes them");
        }
        if (running != null) {
            requireRunning(running, shape);
        }
        double[] g = gammaFor(gamma, shape);
        double[] b = betaFor(beta, shape);
        Passes<A> passes = new Passes<>(x.kernel(part), part, parallelism);
        int len = part.size();
        BatchStats[] parts = new BatchStats[shape.batch() / part.batch()];
        for (int i = 0; i < parts.length; i++) {
            BatchStats stats = passes.batchStats(x.slice(i * len, len), config.eps());
            if (rejectsNonFinite() && !(allFinite(stats.mean) && allFinite(stats.biasedVar))) {
                throw nonFinite(shape, "x", x);
            }
            parts[i] = config.renorm() == null ? stats : stats.renormalized(running, config.renorm());
        }
        for (int i = 0; i < parts.length; i++) {
            BatchStats stats = parts[i];
            passes.normalize(x.slice(i * len, len), y.slice(i * len, len), stats.mean, trainingScale(g, stats),
                    trainingShift(g, b, stats), config.activation());
        }
        return parts.length == 1 ? parts[0] : BatchStats.ofGhosts(parts);
    }

    /** @return the per-channel scale of a training-mode forward pass: {@code gamma * invStd}, times r under renorm */
    private static double[] trainingScale(double[] g, BatchStats stats) {
        double[] scale = product(g, stats.invStd);
        return stats.r == null ? scale : product(scale, stats.r);
    }

    /** @return the per-channel shift of a training-mode forward pass: beta, plus {@code gamma * d} under renorm */
    private static double[] trainingShift(double[] g, double[] b, BatchStats stats) {
        if (stats.r == null) {
            return b;
        }
        // gamma * (r * xHat + d) + beta
        double[] shift = b.clone();
        for (int ch = 0; ch < shift.length; ch++) {
            shift[ch] += g[ch] * stats.d[ch];
        }
        return shift;
    }

    /**
     * A bound on the magnitude of every output of the training-mode forward pass that returned {@code stats}, so
     * that callers storing outputs in a narrower type can skip scanning them for overflow. No value deviates from its
     * mean by more than {@code sqrt(m * biasedVar)}, hence per channel (and ghost batch)
     * {@code |y| <= |gamma * r * invStd| * sqrt(m * biasedVar) + |beta + gamma * d|}.
     *
     * @param gamma as in the forward pass; null when locked
     * @param beta  as in the forward pass; null when locked
     * @return the largest bound over channels and ghost batches; NaN or infinite when the statistics are not finite
     */
    public double trainingOutputBound(BatchStats stats, double[] gamma, double[] beta) {
        Shape channels = Shape.of(Layout.NC, 2, stats.channels());
        double[] g = gammaFor(gamma, channels);
        double[] b = betaFor(beta, channels);
        double bound = 0;
        for (BatchStats part : stats.parts()) {
            for (int ch = 0; ch < g.length; ch++) {
                double r = part.r == null ? 1 : part.r[ch];
                double d = part.d == null ? 0 : part.d[ch];
                double deviation = part.largestDeviation(ch);
                double channelBound = Math.abs(g[ch] * r * part.invStd[ch]) * deviation + Math.abs(b[ch] + g[ch] * d);
                bound = Math.max(bound, channelBound);   // NaN, once there, stays
            }
        }
        return bound;
    }

    /** @return the shape of one ghost batch; the shape itself when ghost batches are off */
    private Shape ghostShape(Shape shape) {
        int ghost = config.ghostBatchSize();
        if (ghost == 0 || ghost == shape.batch()) {
            return shape;
        }
        if (ghost > shape.batch()) {
            throw new IllegalArgumentException("the ghost batch size " + ghost + " is larger than the batch of "
                    + shape.batch() + " in " + shape);
        }
        if (shape.batch() % ghost != 0) {
            throw new IllegalArgumentException("the ghost batch size " + ghost + " does not divide the batch of "
                    + shape.batch() + " in " + shape + "; use batches that are a multiple of it");
        }
        return shape.withBatch(ghost);
    }

    // --- inference forward ---

    /**
     * Normalizes x with population statistics: {@code y = gamma * (x - running.mean) / sqrt(running.var + eps) + beta}.
     *
     * @param x       input, {@code shape.size()} values. Not modified (unless it is y).
     * @param shape   dimensions and layout of x
     * @param gamma   scale per channel, length C; null when locked. Not modified.
     * @param beta    shift per channel, length C; null when locked. Not modified.
     * @param running population estimates with C channels
     * @param y       output, {@code shape.size()} values. Modified.
     * @return an upper bound on {@code |y|} and on the centred input, measured under {@link NonFinitePolicy#REJECT}
     *         (which reads x anyway, to check it) so that a caller storing y in a narrower type can skip scanning it;
     *         +infinity under {@link NonFinitePolicy#PROPAGATE}. Rounding to the element type can exceed it by a few
     *         units in the last place.
     * @throws NonFiniteInputException  if x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length or channel-count mismatch
     */
    public double forwardInference(float[] x, Shape shape, double[] gamma, double[] beta, RunningStats running, float[] y) {
        return forwardInference(floats("x", x, shape), shape, gamma, beta, running, floats("y", y, shape), x == y);
    }

    /** As {@link #forwardInference(float[], Shape, double[], double[], RunningStats, float[])}, for double data. */
    public double forwardInference(double[] x, Shape shape, double[] gamma, double[] beta, RunningStats running, double[] y) {
        return forwardInference(doubles("x", x, shape), shape, gamma, beta, running, doubles("y", y, shape), x == y);
    }

    /** As {@link #forwardInference(float[], Shape, double[], double[], RunningStats, float[])}, over buffers (see {@link #forwardTraining(FloatBuffer, Shape, double[], double[], FloatBuffer)}). */
    public double forwardInference(FloatBuffer x, Shape shape, double[] gamma, double[] beta, RunningStats running, FloatBuffer y) {
        return forwardInference(floats("x", x, shape, false), shape, gamma, beta, running,
                floats("y", y, shape, true), x == y);
    }

    /** As {@link #forwardInference(FloatBuffer, Shape, double[], double[], RunningStats, FloatBuffer)}, for double data. */
    public double forwardInference(DoubleBuffer x, Shape shape, double[] gamma, double[] beta, RunningStats running, DoubleBuffer y) {
        return forwardInference(doubles("x", x, shape, false), shape, gamma, beta, running,
                doubles("y", y, shape, true), x == y);
    }

    /** As {@link #forwardInference(float[], Shape, double[], double[], RunningStats, float[])}, over off-heap memory. */
    public double forwardInference(DirectFloats x, Shape shape, double[] gamma, double[] beta, RunningStats running,
                                   DirectFloats y) {
        return forwardInference(direct("x", x, shape, false), shape, gamma, beta, running, direct("y", y, shape, true),
                x == y);
    }

    /**
     * Under {@link NonFinitePolicy#REJECT} x is measured as it is normalized, in one pass over memory; so a rejected x
     * leaves y written, unless the call is in place, which measures x before it overwrites it.
     */
    private <A> double forwardInference(Data<A> x, Shape shape, double[] gamma, double[] beta,
                                        RunningStats running, Data<A> y, boolean inPlace) {
        requireRunning(running, shape);
        double[] g = gammaFor(gamma, shape);
        double[] b = betaFor(beta, shape);
        Passes<A> passes = new Passes<>(x.kernel(shape), shape, parallelism);
        double[] scale = inferenceScale(g, running);
        Activation act = config.activation();
        if (!rejectsNonFinite()) {
            passes.normalize(x, y, running.mean, scale, b, act);
            return Double.POSITIVE_INFINITY;
        }
        double largest;
        if (inPlace) {
            largest = passes.largestMagnitude(x);
            if (Double.isFinite(largest)) {
                passes.normalize(x, y, running.mean, scale, b, act);
            }
        } else {
            largest = passes.normalizeMeasuring(x, y, running.mean, scale, b, act);
        }
        if (!Double.isFinite(largest)) {
            throw nonFinite(shape, "x", x);
        }
        double bound = 0;
        for (int ch = 0; ch < scale.length; ch++) {
            double centred = largest + Math.abs(running.mean[ch]);
            bound = Math.max(bound, Math.max(centred, Math.abs(scale[ch]) * centred + Math.abs(b[ch])));
        }
        return bound;
    }

    /**
     * The inference-mode transform as one per-channel affine map, for folding into a neighbouring layer.
     *
     * @param gamma   scale per channel, length C; null when locked. Not modified.
     * @param beta    shift per channel, length C; null when locked. Not modified.
     * @param running population estimates with C channels
     * @return {@code y = scale * x + shift}, equal to {@link #forwardInference} up to rounding
     */
    public ChannelAffine inferenceAffine(double[] gamma, double[] beta, RunningStats running) {
        if (running == null) {
            throw new IllegalArgumentException("running statistics must not be null");
        }
        Shape shape = Shape.of(Layout.NC, 1, running.channels());
        double[] scale = inferenceScale(gammaFor(gamma, shape), running);
        double[] b = betaFor(beta, shape);
        double[] shift = new double[scale.length];
        for (int ch = 0; ch < shift.length; ch++) {
            shift[ch] = b[ch] - running.mean[ch] * scale[ch];
        }
        return new ChannelAffine(scale, shift);
    }

    private double[] inferenceScale(double[] gamma, RunningStats running) {
        double[] scale = new double[gamma.length];
        for (int ch = 0; ch < scale.length; ch++) {
            scale[ch] = gamma[ch] / Math.sqrt(running.var[ch] + config.eps());
        }
        return scale;
    }

    // --- backward ---

    /**
     * Gradients of a training-mode forward pass.
     *
     * @param x     the input of the forward pass. Not modified.
     * @param dy    gradient of the loss with respect to y, {@code shape.size()} values. Not modified (unless it is dx).
     * @param shape as in the forward pass
     * @param gamma as in the forward pass; null when locked. Not modified.
     * @param saved what the forward pass returned
     * @param dx    gradient with respect to x, {@code shape.size()} values. Modified.
     * @return gradients with respect to gamma and beta
     * @throws NonFiniteInputException  if dy or x holds NaN or an infinity under {@link NonFinitePolicy#REJECT}
     * @throws IllegalArgumentException on a length mismatch or statistics saved for another shape
     */
    public ParamGradients backward(float[] x, float[] dy, Shape shape, double[] gamma, BatchStats saved, float[] dx) {
        return backward(floats("x", x, shape), floats("dy", dy, shape), shape, gamma, NO_BETA, saved,
                floats("dx", dx, shape));
    }

    /** As {@link #backward(float[], float[], Shape, double[], BatchStats, float[])}, for double data. */
    public ParamGradients backward(double[] x, double[] dy, Shape shape, double[] gamma, BatchStats saved, double[] dx) {
        return backward(doubles("x", x, shape), doubles("dy", dy, shape), shape, gamma, NO_BETA, saved,
                doubles("dx", dx, shape));
    }

    /** As {@link #backward(float[], float[], Shape, double[], BatchStats, float[])}, over buffers (see {@link #forwardTraining(FloatBuffer, Shape, double[], double[], FloatBuffer)}). */
    public ParamGradients backward(FloatBuffer x, FloatBuffer dy, Shape shape, double[] gamma, BatchStats saved, FloatBuffer dx) {
        return backward(floats("x", x, shape, false), floats("dy", dy, shape, false), shape, gamma, NO_BETA,
                saved, floats("dx", dx, shape, true));
    }

    /** As {@link #backward(FloatBuffer, FloatBuffer, Shape, double[], BatchStats, FloatBuffer)}, for double data. */
    public ParamGradients backward(DoubleBuffer x, DoubleBuffer dy, Shape shape, double[] gamma, BatchStats saved, DoubleBuffer dx) {
        return backward(doubles("x", x, shape, false), doubles("dy", dy, shape, false), shape, gamma, NO_BETA,
                saved, doubles("dx", dx, shape, true));
    }

    /** As {@link #backward(float[], float[], Shape, double[], BatchStats, float[])}, over off-heap memory. */
    public ParamGradients backward(DirectFloats x, DirectFloats dy, Shape shape, double[] gamma, BatchStats saved,
                                   DirectFloats dx) {
        return backward(direct("x", x, shape, false), direct("dy", dy, shape, false), shape, gamma, NO_BETA, saved,
                direct("dx", dx, shape, true));
    }

    /**
     * Per ghost batch (the batch is one when ghost batches are off): all gradient sums first, so that a rejected
     * input leaves dx untouched, then the input gradient. Renormalization's r and d are constants here, so r
     * scales the plain-BN input gradient and {@code dGamma = r * sum(dy * xHat0) + d * sum(dy)}.
     */

    /**
     * As {@link #backward(float[], float[], Shape, double[], BatchStats, float[])}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backward(float[] x, float[] dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats saved, float[] dx) {
        return backward(floats("x", x, shape), floats("dy", dy, shape), shape, gamma, beta, saved,
                floats("dx", dx, shape));
    }

    /**
     * As {@link #backward(double[], double[], Shape, double[], BatchStats, double[])}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backward(double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats saved, double[] dx) {
        return backward(doubles("x", x, shape), doubles("dy", dy, shape), shape, gamma, beta, saved,
                doubles("dx", dx, shape));
    }

    /**
     * As {@link #backward(FloatBuffer, FloatBuffer, Shape, double[], BatchStats, FloatBuffer)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backward(FloatBuffer x, FloatBuffer dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats saved, FloatBuffer dx) {
        return backward(floats("x", x, shape, false), floats("dy", dy, shape, false), shape, gamma, beta, saved,
                floats("dx", dx, shape, true));
    }

    /**
     * As {@link #backward(DoubleBuffer, DoubleBuffer, Shape, double[], BatchStats, DoubleBuffer)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backward(DoubleBuffer x, DoubleBuffer dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats saved, DoubleBuffer dx) {
        return backward(doubles("x", x, shape, false), doubles("dy", dy, shape, false), shape, gamma, beta, saved,
                doubles("dx", dx, shape, true));
    }

    /**
     * As {@link #backward(DirectFloats, DirectFloats, Shape, double[], BatchStats, DirectFloats)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backward(DirectFloats x, DirectFloats dy, Shape shape, double[] gamma, double[] beta,
                                   BatchStats saved, DirectFloats dx) {
        return backward(direct("x", x, shape, false), direct("dy", dy, shape, false), shape, gamma, beta, saved,
                direct("dx", dx, shape, true));
    }

    private <A> ParamGradients backward(Data<A> x, Data<A> dy, Shape shape, double[] gamma, double[] beta,
                                        BatchStats saved, Data<A> dx) {
        requireSaved(saved, shape);
        double[] g = gammaFor(gamma, shape);
        double[] b = activationBeta(beta, shape);
        BatchStats[] parts = saved.parts();
        Shape part = shape.withBatch(shape.batch() / parts.length);
        int len = part.size();
        Passes<A> passes = new Passes<>(x.kernel(part), part, parallelism);
        double[][][] sums = new double[parts.length][][];
        List<ActivationGate<A>> gates = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            gates.add(b == null ? null : passes.gate(parts[i].mean, trainingScale(g, parts[i]),
                    trainingShift(g, b, parts[i]), config.activation()));
            sums[i] = passes.gradSums(x.slice(i * len, len), dy.slice(i * len, len), parts[i].mean, gates.get(i));
            requireFinite(sums[i], shape, x, dy);
        }
        int c = shape.channels();
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        double dxBound = 0;
        for (int i = 0; i < parts.length; i++) {
            BatchStats stats = parts[i];
            double[] sumDy = sums[i][0];
            double[] sumDyXc = sums[i][1];
            double m = stats.count;
            double[] dyScale = new double[c];
            double[] xcScale = new double[c];
            double[] offset = new double[c];
            for (int ch = 0; ch < c; ch++) {
                double invStd = stats.invStd[ch];
                double k = stats.r == null ? g[ch] * invStd : g[ch] * invStd * stats.r[ch];
                dyScale[ch] = k;
                // xHat * dGamma / m = (x - mean) * invStd^2 * sum(dy * (x - mean)) / m
                xcScale[ch] = -k * invStd * invStd * sumDyXc[ch] / m;
                offset[ch] = -k * sumDy[ch] / m;
                // the centred input x - mean is an intermediate of dx, so the bound covers it too
                double deviation = stats.largestDeviation(ch);
                double channelBound = Math.abs(k) * Math.sqrt(sums[i][2][ch]) + Math.abs(xcScale[ch]) * deviation
                        + Math.abs(offset[ch]);
                dxBound = Math.max(dxBound, Math.max(channelBound, deviation));   // NaN, once there, stays
                double partDGamma = invStd * sumDyXc[ch];
                dGamma[ch] += stats.r == null ? partDGamma : stats.r[ch] * partDGamma + stats.d[ch] * sumDy[ch];
                dBeta[ch] += sumDy[ch];
            }
            passes.gradApply(x.slice(i * len, len), dy.slice(i * len, len), dx.slice(i * len, len), stats.mean,
                    dyScale, xcScale, offset, gates.get(i));
        }
        return new ParamGradients(dGamma, dBeta, dxBound);
    }

    /**
     * @return beta (validated), or the locked constant, when the activation needs it to recompute the normalized
     * values; null for identity, which does not
     * @throws IllegalArgumentException if the activation needs beta and the caller used an overload without it
     */
    private double[] activationBeta(double[] beta, Shape shape) {
        if (config.activation().isIdentity()) {
            return null;
        }
        if (beta == NO_BETA && !config.isGammaBetaLocked()) {
            throw new IllegalArgumentException("the activation " + config.activation() + " needs beta to recompute the "
                    + "normalized values: call the backward overload that takes beta");
        }
        return betaFor(beta == NO_BETA ? null : beta, shape);
    }

    private static void requireSaved(BatchStats saved, Shape shape) {
        if (saved == null || saved.channels() != shape.channels()
                || saved.count() * saved.ghostBatches() != shape.valuesPerChannel()
                || shape.batch() % saved.ghostBatches() != 0) {
            throw new IllegalArgumentException("saved statistics are for "
                    + (saved == null ? "nothing (null)" : saved.channels() + " channels of "
                    + saved.count() * saved.ghostBatches() + " values"
                    + (saved.ghostBatches() > 1 ? " in " + saved.ghostBatches() + " ghost batches" : ""))
                    + " but " + shape + " has " + shape.channels() + " channels of " + shape.valuesPerChannel() + " values");
        }
    }

    /**
     * Gradients of an inference-mode forward pass, where the statistics are constants:
     * {@code dx = gamma * dy / sqrt(running.var + eps)}, {@code dGamma = sum(dy * xHat)}, {@code dBeta = sum(dy)}.
     * This is what a frozen layer that still passes gradients back needs.
     *
     * @param x       the input of the forward pass. Not modified.
     * @param dy      gradient of the loss with respect to y. Not modified (unless it is dx).
     * @param shape   as in the forward pass
     * @param gamma   as in the forward pass; null when locked. Not modified.
     * @param running the statistics the forward pass used
     * @param dx      gradient with respect to x. Modified.
     * @return gradients with respect to gamma and beta
     */
    public ParamGradients backwardInference(float[] x, float[] dy, Shape shape, double[] gamma, RunningStats running, float[] dx) {
        return backwardInference(floats("x", x, shape), floats("dy", dy, shape), shape, gamma, NO_BETA,
                running, floats("dx", dx, shape));
    }

    /** As {@link #backwardInference(float[], float[], Shape, double[], RunningStats, float[])}, for double data. */
    public ParamGradients backwardInference(double[] x, double[] dy, Shape shape, double[] gamma, RunningStats running, double[] dx) {
        return backwardInference(doubles("x", x, shape), doubles("dy", dy, shape), shape, gamma, NO_BETA,
                running, doubles("dx", dx, shape));
    }

    /** As {@link #backwardInference(float[], float[], Shape, double[], RunningStats, float[])}, over buffers. */
    public ParamGradients backwardInference(FloatBuffer x, FloatBuffer dy, Shape shape, double[] gamma, RunningStats running,
                                            FloatBuffer dx) {
        return backwardInference(floats("x", x, shape, false), floats("dy", dy, shape, false), shape,
                gamma, NO_BETA, running, floats("dx", dx, shape, true));
    }

    /** As {@link #backwardInference(FloatBuffer, FloatBuffer, Shape, double[], RunningStats, FloatBuffer)}, for double data. */
    public ParamGradients backwardInference(DoubleBuffer x, DoubleBuffer dy, Shape shape, double[] gamma, RunningStats running,
                                            DoubleBuffer dx) {
        return backwardInference(doubles("x", x, shape, false), doubles("dy", dy, shape, false), shape,
                gamma, NO_BETA, running, doubles("dx", dx, shape, true));
    }

    /** As {@link #backwardInference(float[], float[], Shape, double[], RunningStats, float[])}, over off-heap memory. */
    public ParamGradients backwardInference(DirectFloats x, DirectFloats dy, Shape shape, double[] gamma,
                                            RunningStats running, DirectFloats dx) {
        return backwardInference(direct("x", x, shape, false), direct("dy", dy, shape, false), shape, gamma, NO_BETA,
                running, direct("dx", dx, shape, true));
    }

    /**
     * As {@link #backwardInference(float[], float[], Shape, double[], RunningStats, float[])}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backwardInference(float[] x, float[] dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, float[] dx) {
        return backwardInference(floats("x", x, shape), floats("dy", dy, shape), shape, gamma, beta,
                running, floats("dx", dx, shape));
    }

    /**
     * As {@link #backwardInference(double[], double[], Shape, double[], RunningStats, double[])}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backwardInference(double[] x, double[] dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, double[] dx) {
        return backwardInference(doubles("x", x, shape), doubles("dy", dy, shape), shape, gamma, beta,
                running, doubles("dx", dx, shape));
    }

    /**
     * As {@link #backwardInference(FloatBuffer, FloatBuffer, Shape, double[], RunningStats, FloatBuffer)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backwardInference(FloatBuffer x, FloatBuffer dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, FloatBuffer dx) {
        return backwardInference(floats("x", x, shape, false), floats("dy", dy, shape, false), shape, gamma, beta,
                running, floats("dx", dx, shape, true));
    }

    /**
     * As {@link #backwardInference(DoubleBuffer, DoubleBuffer, Shape, double[], RunningStats, DoubleBuffer)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backwardInference(DoubleBuffer x, DoubleBuffer dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, DoubleBuffer dx) {
        return backwardInference(doubles("x", x, shape, false), doubles("dy", dy, shape, false), shape, gamma, beta,
                running, doubles("dx", dx, shape, true));
    }

    /**
     * As {@link #backwardInference(DirectFloats, DirectFloats, Shape, double[], RunningStats, DirectFloats)}, with beta: an
     * {@link Activation} other than identity needs it to recompute the forward pass's normalized values.
     *
     * @param beta as in the forward pass; null when locked. Not modified.
     */
    public ParamGradients backwardInference(DirectFloats x, DirectFloats dy, Shape shape, double[] gamma, double[] beta,
                                            RunningStats running, DirectFloats dx) {
        return backwardInference(direct("x", x, shape, false), direct("dy", dy, shape, false), shape, gamma, beta,
                running, direct("dx", dx, shape, true));
    }

    private <A> ParamGradients backwardInference(Data<A> x, Data<A> dy, Shape shape, double[] gamma, double[] beta,
                                                 RunningStats running, Data<A> dx) {
        requireRunning(running, shape);
        double[] g = gammaFor(gamma, shape);
        double[] b = activationBeta(beta, shape);
        Passes<A> passes = new Passes<>(x.kernel(shape), shape, parallelism);
        ActivationGate<A> gate = b == null ? null
                : passes.gate(running.mean, inferenceScale(g, running), b, config.activation());
        double[][] sums = passes.gradSums(x, dy, running.mean, gate);
        requireFinite(sums, shape, x, dy);
        int c = shape.channels();
        double[] dyScale = new double[c];
        double[] dGamma = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double invStd = 1.0 / Math.sqrt(running.var[ch] + config.eps());
            dyScale[ch] = g[ch] * invStd;
            dGamma[ch] = invStd * sums[1][ch];
        }
        passes.gradApply(x, dy, dx, running.mean, dyScale, new double[c], new double[c], gate);
        // x - running.mean, an intermediate of dx, is not bounded by anything measured here.
        return new ParamGradients(dGamma, sums[0], Double.POSITIVE_INFINITY);
    }

    /**
     * @param sums gradient sums over x and dy, or over a ghost batch of them
     * @throws NonFiniteInputException naming dy (else x) when the sums are not finite under {@link NonFinitePolicy#REJECT}
     */
    private <A> void requireFinite(double[][] sums, Shape shape, Data<A> x, Data<A> dy) {
        if (rejectsNonFinite() && !(allFinite(sums[0]) && allFinite(sums[1]))) {
            throw dy.firstNonFinite() >= 0 ? nonFinite(shape, "dy", dy) : nonFinite(shape, "x", x);
        }
    }

    // --- validation ---

    private static Data<float[]> floats(String name, float[] values, Shape shape) {
        requireLength(name, values == null ? -1 : values.length, " values", shape);
        return FloatData.of(values);
    }

    private static Data<double[]> doubles(String name, double[] values, Shape shape) {
        requireLength(name, values == null ? -1 : values.length, " values", shape);
        return DoubleData.of(values);
    }

    private static Data<float[]> floats(String name, FloatBuffer buffer, Shape shape, boolean written) {
        requireBuffer(name, buffer, shape, written);
        return FloatData.of(buffer);
    }

    private static Data<double[]> doubles(String name, DoubleBuffer buffer, Shape shape, boolean written) {
        requireBuffer(name, buffer, shape, written);
        return DoubleData.of(buffer);
    }

    private static Data<float[]> direct(String name, DirectFloats values, Shape shape, boolean written) {
        requireLength(name, values == null ? -1 : values.length(), " values", shape);
        if (written && values.isReadOnly()) {
            throw new IllegalArgumentException(name + " is read-only memory but is written to");
        }
        return new DirectFloatData(values);
    }

    private static void requireBuffer(String name, Buffer buffer, Shape shape, boolean written) {
        requireLength(name, buffer == null ? -1 : buffer.remaining(), " values between position and limit", shape);
        if (written && buffer.isReadOnly()) {
            throw new IllegalArgumentException(name + " is a read-only buffer but is written to");
        }
    }

    private static void requireLength(String name, int length, String unit, Shape shape) {
        if (shape == null) {
            throw new IllegalArgumentException("shape must not be null");
        }
        if (length != shape.size()) {
            throw new IllegalArgumentException(name + (length < 0 ? " is null" : " has " + length + unit)
                    + " but shape " + shape + " needs " + shape.size());
        }
    }

    private static void requireRunning(RunningStats running, Shape shape) {
        if (running == null || running.channels() != shape.channels()) {
            throw new IllegalArgumentException("running statistics have "
                    + (running == null ? "null" : running.channels() + " channels") + " but " + shape + " has "
                    + shape.channels() + " channels");
        }
    }

    /** @return gamma as given (validated), or the locked constant per channel; also for {@link SplitBatchNormalizer} */
    double[] gammaFor(double[] gamma, Shape shape) {
        return parameterFor("gamma", gamma, config.lockedGamma(), shape);
    }

    /** @return beta as given (validated), or the locked constant per channel; also for {@link SplitBatchNormalizer} */
    double[] betaFor(double[] beta, Shape shape) {
        return parameterFor("beta", beta, config.lockedBeta(), shape);
    }

    private double[] parameterFor(String name, double[] given, double locked, Shape shape) {
        int c = shape.channels();
        if (config.isGammaBetaLocked()) {
            if (given != null) {
                throw new IllegalArgumentException(name + " is locked to " + locked + " by the config; pass null");
            }
            double[] constant = new double[c];
            Arrays.fill(constant, locked);
            return constant;
        }
        if (given == null || given.length != c) {
            throw new IllegalArgumentException(name + (given == null ? " is null" : " has " + given.length + " values")
                    + " but " + shape + " has " + c + " channels");
        }
        if (rejectsNonFinite() && !allFinite(given)) {
            throw new IllegalArgumentException(name + " holds a non-finite value: " + Arrays.toString(given));
        }
        return given;
    }

    private boolean rejectsNonFinite() {
        return config.nonFinitePolicy() == NonFinitePolicy.REJECT;
    }

    /** Called once non-finite sums have appeared: name the first bad value, or the overflow. */
    private static <A> IllegalArgumentException nonFinite(Shape shape, String name, Data<A> values) {
        int index = values.firstNonFinite();
        if (index < 0) {
            return new IllegalArgumentException("statistics over " + name + " overflowed the double range for "
                    + shape + "; rescale the input");
        }
        return new NonFiniteInputException(name, index, values.valueAt(index), shape);
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static double[] product(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] * b[i];
        }
        return out;
    }
}
