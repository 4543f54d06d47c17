package org.bn4j.core;

import java.util.Arrays;
import org.bn4j.core.storage.Data;

/**
 * The argument checks of {@link BatchNormalizer} and {@link SplitBatchNormalizer}: each throws
 * {@link IllegalArgumentException} with a message that names the argument and the mismatch, before anything is
 * written.
 */
final class Checks {
    private Checks() {
    }

    static <T> T notNull(String name, T value) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    /**
     * @param like the call's x, whose element type every other argument must have; null for x itself
     * @return the data of {@code values}, typed as the kernels take it
     * @throws IllegalArgumentException if the values are null, not {@code shape.size()} long, of another element
     *                                  type than {@code like}, or read-only when written
     */
    @SuppressWarnings("unchecked")
    static <A> Data<A> data(String name, Values values, Shape shape, Values like, boolean written) {
        notNull("shape", shape);
        int length = values == null ? -1 : values.length();
        if (length != shape.size()) {
            throw new IllegalArgumentException(name + (length < 0 ? " is null" : " has " + length + values.unit)
                    + " but shape " + shape + " needs " + shape.size());
        }
        if (like != null && like.isDouble != values.isDouble) {
            throw new IllegalArgumentException(name + " holds " + (values.isDouble ? "doubles" : "floats")
                    + " but x holds " + (like.isDouble ? "doubles" : "floats") + "; use one element type");
        }
        if (written && values.isReadOnly) {
            throw new IllegalArgumentException(name + " is read-only but is written to");
        }
        return (Data<A>) values.data;
    }

    /** The backward passes read x after they begin to write dx, so dx may be dy (in place) but not x. */
    static void notX(Values dx, Values x) {
        if (dx != null && x != null && dx.storage == x.storage) {
            throw new IllegalArgumentException("dx is x: the backward pass reads x after writing dx; dx may be dy "
                    + "(in place) or other values, not x");
        }
    }

    static void running(RunningStats running, Shape shape) {
        if (running == null || running.channels() != shape.channels()) {
            throw new IllegalArgumentException("running statistics have "
                    + (running == null ? "null" : running.channels() + " channels") + " but " + shape + " has "
                    + shape.channels() + " channels");
        }
    }

    /** Training needs the running statistics only under batch renormalization; when given, they must fit. */
    static void trainingRunning(BatchNormConfig config, RunningStats running, Shape shape) {
        if (config.renorm() != null && running == null) {
            throw new IllegalArgumentException("batch renormalization needs the running statistics; they are null");
        }
        if (running != null) {
            running(running, shape);
        }
    }

    static void saved(BatchStats saved, Shape shape) {
        if (saved == null || saved.channels() != shape.channels()
                || saved.count() * saved.ghostBatches() != shape.valuesPerChannel()
                || shape.batch() % saved.ghostBatches() != 0) {
            throw new IllegalArgumentException("saved statistics are for "
                    + (saved == null ? "nothing (null)" : saved.channels() + " channels of "
                            + saved.count() * saved.ghostBatches() + " values"
                            + (saved.ghostBatches() > 1 ? " in " + saved.ghostBatches() + " ghost batches" : ""))
                    + " but " + shape + " has " + shape.channels() + " channels of " + shape.valuesPerChannel()
                    + " values");
        }
    }

    /** @return gamma as given (validated), or the locked constant per channel */
    static double[] gamma(BatchNormConfig config, double[] gamma, Shape shape) {
        return parameter(config, "gamma", gamma, config.lockedGamma(), shape);
    }

    /** @return beta as given (validated), or the locked constant per channel */
    static double[] beta(BatchNormConfig config, double[] beta, Shape shape) {
        return parameter(config, "beta", beta, config.lockedBeta(), shape);
    }

    /**
     * Beta for the backward passes, which need it only to find where an activation's kink is.
     *
     * @return beta (validated, or the locked constant) for ReLU and leaky ReLU; null for identity, whose gradient does
     * not depend on beta, which may then be null (a beta given is still checked)
     * @throws IllegalArgumentException if the activation needs beta and it is null, or beta does not fit
     */
    static double[] activationBeta(BatchNormConfig config, double[] beta, Shape shape) {
        Activation activation = config.activation();
        if (activation.isIdentity()) {
            if (beta != null) {
                beta(config, beta, shape);
            }
            return null;
        }
        if (beta == null && !config.isGammaBetaLocked()) {
            throw new IllegalArgumentException("beta is null but the backward pass of the " + activation
                    + " activation needs it, to find which side of the kink each normalized value was on");
        }
        return beta(config, beta, shape);
    }

    private static double[] parameter(BatchNormConfig config, String name, double[] given, double locked,
                                      Shape shape) {
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
            throw new IllegalArgumentException(name + (given == null ? " is null" : " has " + given.length
                    + " values") + " but " + shape + " has " + c + " channels");
        }
        if (rejectsNonFinite(config) && !allFinite(given)) {
            throw new IllegalArgumentException(name + " holds a non-finite value: " + Arrays.toString(given));
        }
        return given;
    }

    /** @return the shape of one ghost batch; the shape itself when ghost batches are off */
    static Shape ghostBatch(BatchNormConfig config, Shape shape) {
        int ghost = config.ghostBatchSize();
        Shape part = shape;
        if (ghost != 0 && ghost != shape.batch()) {
            if (ghost > shape.batch()) {
                throw new IllegalArgumentException("the ghost batch size " + ghost + " is larger than the batch of "
                        + shape.batch() + " in " + shape);
            }
            if (shape.batch() % ghost != 0) {
                throw new IllegalArgumentException("the ghost batch size " + ghost + " does not divide the batch of "
                        + shape.batch() + " in " + shape + "; use batches that are a multiple of it");
            }
            part = shape.withBatch(ghost);
        }
        if (part.valuesPerChannel() < 2) {
            throw new IllegalArgumentException("training needs at least 2 values per channel to estimate a "
                    + "variance, but " + part + " gives " + part.valuesPerChannel() + " (batch " + part.batch()
                    + " x spatial " + part.spatial() + ")" + (part == shape ? "" : " in each ghost batch of " + shape));
        }
        return part;
    }

    /** @throws NonFiniteInputException naming x when a batch's statistics are not finite under REJECT */
    static void finiteStatistics(BatchNormConfig config, BatchStats stats, Shape shape, Data<?> x) {
        if (rejectsNonFinite(config) && !(allFinite(stats.mean) && allFinite(stats.biasedVar))) {
            throw nonFinite(shape, "x", x);
        }
    }

    /** @throws NonFiniteInputException naming dy (else x) when the gradient sums are not finite under REJECT */
    static void finiteGradientSums(BatchNormConfig config, double[][] sums, Shape shape, Data<?> x, Data<?> dy) {
        if (rejectsNonFinite(config) && !(allFinite(sums[0]) && allFinite(sums[1]))) {
            throw dy.firstNonFinite() >= 0 ? nonFinite(shape, "dy", dy) : nonFinite(shape, "x", x);
        }
    }

    static boolean rejectsNonFinite(BatchNormConfig config) {
        return config.nonFinitePolicy() == NonFinitePolicy.REJECT;
    }

    /** Called once non-finite sums have appeared: names the first bad value, or the overflow. */
    static IllegalArgumentException nonFinite(Shape shape, String name, Data<?> values) {
        int index = values.firstNonFinite();
        if (index < 0) {
            return new IllegalArgumentException("statistics over " + name + " overflowed the double range for "
                    + shape + "; rescale the input");
        }
        return new NonFiniteInputException(name, index, values.valueAt(index), shape);
    }

    static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
