package org.bn4j.core.kernel;

import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;

/**
 * The loops of batch normalization for one layout family and one primitive array type {@code A}
 * ({@code float[]} or {@code double[]}).
 *
 * <p>A kernel cuts the tensor into {@link #tasks()} blocks whose boundaries depend on the shape alone. Each
 * block writes partial results for its (group, channel) slots, {@code slot = group * channels + channel};
 * {@link Passes} runs the blocks on any number of threads and merges the slots of each channel in group
 * order, so the floating-point reduction order, and thus every result bit, is the same at any thread count.
 *
 * <p>Blocks reach the data one contiguous segment at a time through {@link Data}: a channels-first segment holds at
 * most {@link #BLOCK_VALUES} values; a channels-last one is a block's whole rows, at least
 * {@code RowKernel.MIN_GROUP_ROWS} of them, so more than {@link #BLOCK_VALUES} values when rows are wide. All the
 * {@link Data} of one call are of one kind (all arrays or all buffers), so a segment sits at the same offset in each
 * of them: the loops index every array with one expression, the shape the JIT vectorizes.
 *
 * <p>Kernels trust their arguments: the API validates lengths and shapes before calling them.
 * Coefficient arrays are as {@link #narrow} and {@link #residual} return them for the kernel's loops.
 */
public interface Kernel<A> {
    /** Target number of values in one block: small enough that a block's second pass finds it in cache. */
    int BLOCK_VALUES = 16 * 1024;

    /** The activation slope that stands for no activation: plain batch normalization. */
    double IDENTITY = Double.NaN;

    /** @return whether {@code activationSlope} is {@link #IDENTITY} */
    static boolean isIdentity(double activationSlope) {
        return Double.isNaN(activationSlope);
    }

    /**
     * @return the kernel for {@code data} of these dimensions: by layout family and element type, and for off-heap
     * floats with the Vector API one that loads and stores the memory in place
     */
    @SuppressWarnings("unchecked")
    static <A> Kernel<A> of(Data<A> data, Dims dims) {
        boolean rows = dims.channelsLast() || dims.spatial() == 1;   // one value per plane: laid out as rows
        if (data instanceof DirectFloatData && Loops.usesVectorApi()) {
            return (Kernel<A>) (rows ? new DirectFloatRowKernel(dims) : new DirectFloatPlanarKernel(dims));
        }
        if (data.holdsDoubles()) {
            return (Kernel<A>) (rows ? new DoubleRowKernel(dims) : new DoublePlanarKernel(dims));
        }
        return (Kernel<A>) (rows ? new FloatRowKernel(dims) : new FloatPlanarKernel(dims));
    }

    /** @return the number of independent blocks */
    int tasks();

    /** @return the number of partial-result slots per channel */
    int groups();

    /** Block statistics: writes the value count, mean and {@code M2 = sum((x - mean)^2)} of each slot the task owns. */
    void moments(Data<A> x, int task, double[] count, double[] mean, double[] m2);

    /**
     * Scalar math: {@code y = act(((x - centerHi) - centerLo) * scale + shift)}, act the leaky ReLU of
     * {@code activationSlope}; y may be x. {@link #IDENTITY} runs the loops of plain batch normalization, untouched.
     */
    void normalize(Data<A> x, Data<A> y, int task, A centerHi, A centerLo, A scale, A shift, double activationSlope);

    /** @return the largest {@code |x|} over the task's values: infinite when one is, NaN when one is */
    double largestMagnitude(Data<A> x, int task);

    /** @return the largest {@code |x|} over {@code [start, start + len)}, one segment */
    double largestMagnitude(Data<A> x, int start, int len);

    /**
     * {@link #normalize} and {@link #largestMagnitude} of the task in one: y is written whatever x holds. This measures
     * the task's values, then normalizes them while they are in cache; kernels that can do both in one loop do.
     */
    default double normalizeMeasuring(Data<A> x, Data<A> y, int task, A centerHi, A centerLo, A scale, A shift,
                                      double activationSlope) {
        double largest = largestMagnitude(x, task);
        normalize(x, y, task, centerHi, centerLo, scale, shift, activationSlope);
        return largest;
    }

    /**
     * Block gradient sums: writes {@code sum(dy)}, {@code sum(dy * (x - mean))} and {@code sum(dy^2)} of each slot the
     * task owns. The last bounds the input gradient (see {@code ParamGradients.inputGradientBound()}). With a gate,
     * the activation's gradient of dy takes dy's place; null for identity.
     */
    void gradSums(Data<A> x, Data<A> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc, double[] sumDySq,
                  ActivationGate<A> gate);

    /**
     * Scalar math: {@code dx = dyScale * g + xcScale * ((x - centerHi) - centerLo) + offset}, g the activation's
     * gradient of dy through the gate, or dy when the gate is null (identity); dx may be dy.
     */
    void gradApply(Data<A> x, Data<A> dy, Data<A> dx, int task, A centerHi, A centerLo, A dyScale, A xcScale, A offset,
                   ActivationGate<A> gate);

    /**
     * @return per-channel {@code v} rounded to the element type, laid out as this kernel's loops index it, in this
     * thread's coefficient array {@code slot} (valid until the slot's next use on this thread; see {@link Scratch})
     */
    A narrow(double[] v, int slot);

    /**
     * @return the gate through which the backward pass applies the activation's gradient after a forward pass
     * {@link #normalize} with these per-channel coefficients (as {@link #narrow} and {@link #residual} round them) and
     * {@code activationSlope}, in this thread's gate slots (valid until the next gate on this thread; see
     * {@link Scratch}); it uses the pass slots 0 to 3 while it works
     */
    ActivationGate<A> gate(double[] center, double[] scale, double[] shift, double activationSlope);

    /**
     * @return what {@link #narrow} loses, {@code v - narrow(v)}, rounded to the element type. Subtracting a
     * float mean in two parts keeps {@code x - mean} accurate when the mean is large against the spread. In
     * coefficient array {@code slot}, as {@link #narrow}.
     */
    A residual(double[] v, int slot);
}
