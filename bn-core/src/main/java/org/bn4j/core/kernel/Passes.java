package org.bn4j.core.kernel;

import java.util.function.IntConsumer;
import org.bn4j.core.storage.Data;

/**
 * Runs a {@link Kernel}'s blocks for one tensor and merges their partial results per channel in group order
 * ({@link Moments} for statistics), the one place where reductions across blocks are combined. Everything here is
 * O(C) or O(groups * C); the O(size) work is in the kernel. One per call; not thread-safe.
 */
public final class Passes<A> {
    private final Kernel<A> kernel;
    private final Tasks parallelism;
    private final int channels;
    private final long elements;

    /** How the blocks run: all of them, on any number of threads, before it returns. */
    @FunctionalInterface
    public interface Tasks {
        /** Runs {@code task.accept(i)} for every i in {@code [0, tasks)}; {@code elements} sizes the work. */
        void forEach(int tasks, long elements, IntConsumer task);
    }

    /** Per channel: the mean and the biased variance ({@code M2 / count}) of {@code count} values. */
    public record Statistics(double[] mean, double[] biasedVar, long count) {
    }

    /** @param data the data of the call, which chooses the kernel with {@code dims} (see {@link Kernel#of}) */
    public Passes(Data<A> data, Dims dims, Tasks parallelism) {
        this.kernel = Kernel.of(data, dims);
        this.parallelism = parallelism;
        this.channels = dims.channels();
        this.elements = dims.size();
    }

    /** Per-channel mean and biased variance of x, merged over the blocks in group order. */
    public Statistics statistics(Data<A> x) {
        int slots = kernel.groups() * channels;
        // every task writes its own slots, so stale values are overwritten
        double[] count = Scratch.of(0, slots);
        double[] mean = Scratch.of(1, slots);
        double[] m2 = Scratch.of(2, slots);
        parallelism.forEach(kernel.tasks(), elements, task -> kernel.moments(x, task, count, mean, m2));

        // Group by group, each over every channel: the channels' merges are independent, so they overlap in the
        // pipeline, where a channel's own chain of merges waits on each division in turn.
        Moments[] merged = Scratch.moments(channels);
        for (int first = 0; first < slots; first += channels) {
            for (int ch = 0; ch < channels; ch++) {
                merged[ch].merge(count[first + ch], mean[first + ch], m2[first + ch]);
            }
        }
        double[] channelMean = new double[channels];
        double[] biasedVar = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            channelMean[ch] = merged[ch].mean;
            biasedVar[ch] = merged[ch].m2 / merged[ch].count;
        }
        return new Statistics(channelMean, biasedVar, (long) merged[channels - 1].count);
    }

    /** @return the largest {@code |x|}: infinite or NaN when x holds one */
    public double largestMagnitude(Data<A> x) {
        double[] largest = Scratch.of(3, kernel.tasks());
        parallelism.forEach(kernel.tasks(), elements, task -> largest[task] = kernel.largestMagnitude(x, task));
        return largestOf(largest, kernel.tasks());
    }

    /**
     * {@code y = (x - center) * scale + shift}, per channel, measuring x on the way (see
     * {@link Kernel#normalizeMeasuring}), so x is read from memory once.
     *
     * @return the largest {@code |x|}: infinite or NaN when x holds one (y is then written all the same)
     */
    public double normalizeMeasuring(Data<A> x, Data<A> y, double[] center, double[] scale, double[] shift,
                                     double activationSlope) {
        double[] largest = Scratch.of(3, kernel.tasks());
        normalize(x, y, center, scale, shift, activationSlope, largest);
        return largestOf(largest, kernel.tasks());
    }

    private static double largestOf(double[] values, int n) {
        double result = 0;
        for (int i = 0; i < n; i++) {
            result = Math.max(result, values[i]);   // NaN, once there, stays
        }
        return result;
    }

    /** {@code y = act((x - center) * scale + shift)}, per channel, act the leaky ReLU of {@code activationSlope}. */
    public void normalize(Data<A> x, Data<A> y, double[] center, double[] scale, double[] shift,
                          double activationSlope) {
        normalize(x, y, center, scale, shift, activationSlope, null);
    }

    /** {@link #normalize}, and with {@code largest} the largest {@code |x|} of each task in it. */
    private void normalize(Data<A> x, Data<A> y, double[] center, double[] scale, double[] shift,
                           double activationSlope, double[] largest) {
        A hi = kernel.narrow(center, 0);
        A lo = kernel.residual(center, 1);
        A a = kernel.narrow(scale, 2);
        A b = kernel.narrow(shift, 3);
        parallelism.forEach(kernel.tasks(), elements, largest == null
                ? task -> kernel.normalize(x, y, task, hi, lo, a, b, activationSlope)
                : task -> largest[task] = kernel.normalizeMeasuring(x, y, task, hi, lo, a, b, activationSlope));
    }

    /**
     * @return the gate through which the backward pass applies {@code act}'s gradient after a forward pass
     * {@link #normalize}{@code (x, y, center, scale, shift, activationSlope)}; null for {@link Kernel#IDENTITY}. Its
     * arrays are this thread's until its next call of {@code gate}, so one gate at a time.
     */
    public ActivationGate<A> gate(double[] center, double[] scale, double[] shift, double activationSlope) {
        return Kernel.isIdentity(activationSlope) ? null : kernel.gate(center, scale, shift, activationSlope);
    }

    /**
     * @return {@code {sum(g), sum(g * (x - mean)), sum(g^2)}} per channel, summed over the blocks in group order, with
     * g the activation's gradient of dy through the gate (dy itself when the gate is null)
     */
    public double[][] gradSums(Data<A> x, Data<A> dy, double[] mean, ActivationGate<A> gate) {
        int slots = kernel.groups() * channels;
        double[][] perSlot = {Scratch.of(0, slots), Scratch.of(1, slots), Scratch.of(2, slots)};
        parallelism.forEach(kernel.tasks(), elements,
                task -> kernel.gradSums(x, dy, task, mean, perSlot[0], perSlot[1], perSlot[2], gate));

        double[][] perChannel = new double[3][channels];
        for (int sum = 0; sum < 3; sum++) {
            for (int first = 0; first < slots; first += channels) {
                for (int ch = 0; ch < channels; ch++) {
                    perChannel[sum][ch] += perSlot[sum][first + ch];
                }
            }
        }
        return perChannel;
    }

    /** {@code dx = dyScale * g + xcScale * (x - center) + offset}, per channel, g as in {@link #gradSums}. */
    public void gradApply(Data<A> x, Data<A> dy, Data<A> dx, double[] center, double[] dyScale, double[] xcScale,
                          double[] offset, ActivationGate<A> gate) {
        A hi = kernel.narrow(center, 0);
        A lo = kernel.residual(center, 1);
        A k = kernel.narrow(dyScale, 2);
        A q = kernel.narrow(xcScale, 3);
        A r = kernel.narrow(offset, 4);
        parallelism.forEach(kernel.tasks(), elements, task -> kernel.gradApply(x, dy, dx, task, hi, lo, k, q, r, gate));
    }
}
