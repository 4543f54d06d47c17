package org.bn4j.core.kernel;

import org.bn4j.core.storage.Data;

/**
 * Channels-first tensors with more than one value per plane ({@code NCW}, {@code NCHW},
 * {@code NCDHW}): element {@code (i, ch, s)} sits at {@code (i * C + ch) * spatial + s}, so each channel
 * is {@code N} contiguous planes, and the planes of consecutive channels of one example are contiguous too.
 *
 * <p>A task is a block of consecutive channels over a group of consecutive examples, about
 * {@link Kernel#BLOCK_VALUES} values, and owns one partial slot per (group, channel). It visits one example's planes
 * of its channels as one contiguous segment: one channel per block when planes are large (a plane longer than
 * {@link Kernel#BLOCK_VALUES} is split into several segments), several when they are small, so that buffer-backed
 * data is staged in runs of at least {@link #MIN_SEGMENT_VALUES} values rather than plane by plane (staging small
 * planes one by one costs more than their arithmetic). Statistics take one pass ({@link Moments#writeDeviations}): per slot, the
 * deviations of each channel's values from its first value in the task, one set of sums over all the channel's
 * planes, where a merge per plane would cost more than the arithmetic of short planes. Passes
 * over memory: moments 1 read, normalize 1 read and 1 write, gradSums 2 reads, gradApply 2 reads and 1 write. Inner
 * loops run along a plane with the channel's coefficients in locals; the runs' sums go through the hooks
 * {@link #runDeviations} and {@link #runGradSums}, which off-heap data overrides to load in place.
 */
abstract class PlanarKernel<A> implements Kernel<A> {
    /** Shortest contiguous run a segment should cover when planes are small. */
    static final int MIN_SEGMENT_VALUES = 2048;

    final int c;
    final int spatial;
    private final int n;
    /** Channels per task; the last block of a tensor may have fewer. */
    private final int channelsPerBlock;
    private final int blocks;
    private final int planesPerGroup;
    private final int groups;
    /** Values per segment when one plane is split; the whole plane otherwise. */
    private final int part;
    private final int partsPerPlane;

    PlanarKernel(Dims dims) {
        this.n = dims.batch();
        this.c = dims.channels();
        this.spatial = dims.spatial();
        this.channelsPerBlock = Math.min(c,
                Math.max(BLOCK_VALUES / spatial, (MIN_SEGMENT_VALUES + spatial - 1) / spatial));
        this.blocks = (c + channelsPerBlock - 1) / channelsPerBlock;
        this.planesPerGroup = Math.max(1, BLOCK_VALUES / (channelsPerBlock * spatial));
        this.groups = (n + planesPerGroup - 1) / planesPerGroup;
        this.part = Math.min(spatial, BLOCK_VALUES);
        this.partsPerPlane = (spatial + part - 1) / part;
    }

    @Override
    public int tasks() {
        return groups * blocks;
    }

    @Override
    public int groups() {
        return groups;
    }

    /** @return the task's first channel */
    final int firstChannel(int task) {
        return (task % blocks) * channelsPerBlock;
    }

    /** @return how many channels the task covers */
    final int channelCount(int task) {
        return Math.min(channelsPerBlock, c - firstChannel(task));
    }

    /** @return the slot of the task's first channel; its other channels follow */
    final int firstSlot(int task) {
        return (task / blocks) * c + firstChannel(task);
    }

    /** @return how many segments the task visits */
    final int segments(int task) {
        int firstPlane = (task / blocks) * planesPerGroup;
        return (Math.min(n, firstPlane + planesPerGroup) - firstPlane) * partsPerPlane;
    }

    /** @return the flat index where segment {@code k} of the task starts */
    final int segmentStart(int task, int k) {
        int plane = (task / blocks) * planesPerGroup + k / partsPerPlane;
        return (plane * c + firstChannel(task)) * spatial + (k % partsPerPlane) * part;
    }

    /**
     * @return the length of segment {@code k} of the task: {@code channelCount(task)} runs of equal length, one per
     * channel
     */
    final int segmentLength(int task, int k) {
        return channelCount(task) * Math.min(part, spatial - (k % partsPerPlane) * part);
    }

    @Override
    public double largestMagnitude(Data<A> x, int task) {
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            largest = Math.max(largest, largestMagnitude(x, segmentStart(task, k), segmentLength(task, k)));
        }
        return largest;
    }

    @Override
    public final void moments(Data<A> x, int task, double[] count, double[] mean, double[] m2) {
        final int channels = channelCount(task), slot = firstSlot(task), segments = segments(task);
        final int firstRun = segmentLength(task, 0) / channels;
        final double[] shift = Scratch.of(4, channels);
        for (int j = 0; j < channels; j++) {
            shift[j] = x.valueAt(segmentStart(task, 0) + j * firstRun);
        }
        final double[][] deviations = Scratch.sums(channels, 2);
        double n = 0;
        for (int k = 0; k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int j = 0; j < channels; j++) {
                runDeviations(x, start + j * run, run, shift[j], deviations[j]);
            }
            n += run;
        }
        for (int j = 0; j < channels; j++) {
            Moments.writeDeviations(slot + j, n, shift[j], deviations[j][0], deviations[j][1], count, mean, m2);
        }
    }

    /** Adds the run's deviations from {@code m} and their squares to {@code deviations[0..1]}. */
    abstract void runDeviations(Data<A> x, int start, int len, double m, double[] deviations);

    @Override
    public final void gradSums(Data<A> x, Data<A> dy, int task, double[] mean, double[] sumDy, double[] sumDyXc,
                               double[] sumDySq, ActivationGate<A> gate) {
        final int channels = channelCount(task), ch0 = firstChannel(task), slot = firstSlot(task);
        final double[][] sums = Scratch.sums(channels, 3);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int j = 0; j < channels; j++) {
                if (gate == null) {
                    runGradSums(x, dy, start + j * run, run, mean[ch0 + j], sums[j]);
                } else {
                    runGatedGradSums(x, dy, start + j * run, run, mean[ch0 + j], gate, ch0 + j, sums[j]);
                }
            }
        }
        for (int j = 0; j < channels; j++) {
            sumDy[slot + j] = sums[j][0];
            sumDyXc[slot + j] = sums[j][1];
            sumDySq[slot + j] = sums[j][2];
        }
    }

    /** Adds the gradient sums of the run {@code [start, start + len)} to {@code sums[0..2]}. */
    abstract void runGradSums(Data<A> x, Data<A> dy, int start, int len, double mean, double[] sums);

    /** As {@link #runGradSums}, through the gate, with the coefficients of channel {@code ch}. */
    abstract void runGatedGradSums(Data<A> x, Data<A> dy, int start, int len, double mean, ActivationGate<A> gate,
                                   int ch, double[] sums);
}
