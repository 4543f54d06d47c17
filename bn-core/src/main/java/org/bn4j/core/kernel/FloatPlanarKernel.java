package org.bn4j.core.kernel;

import org.bn4j.core.loops.FloatLoops;
import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * {@link PlanarKernel} for float data, each segment reached through {@link Staged} and run by {@link Loops}'s float
 * loops. Also the template of two twins generated at build time (see bn-core's pom): the kernel for double data, and
 * the kernel for off-heap floats with the Vector API, whose segments are the memory itself ({@link InPlace}).
 *
 * <p>Identity and an activation run in methods of their own, so that the identity passes compile as they would
 * without activations; the activated passes share one normalizing loop, which measures x when asked.
 */
class FloatPlanarKernel extends PlanarKernel<float[]> implements FloatKernel {
    private static final FloatLoops<float[]> LOOPS = Loops.floats();

    FloatPlanarKernel(Dims dims) {
        super(dims);
    }

    @Override
    void runDeviations(Data<float[]> x, int start, int len, double m, double[] deviations) {
        final var xm = Staged.read(x, start, len, 0);
        final int from = Staged.offset(x, start);
        LOOPS.addDeviations(xm, from, from + len, m, deviations);
    }

    @Override
    void runGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean, double[] sums) {
        final var xm = Staged.read(x, start, len, 0);
        final var gm = Staged.read(dy, start, len, 1);
        final int from = Staged.offset(x, start);
        LOOPS.gradSums(xm, gm, from, from + len, mean, sums);
    }

    @Override
    void runGatedGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean,
                          ActivationGate<float[]> gate, int ch, double[] sums) {
        final var xm = Staged.read(x, start, len, 0);
        final var gm = Staged.read(dy, start, len, 1);
        final int from = Staged.offset(x, start);
        LOOPS.gatedGradSums(xm, gm, from, from + len, mean, gate.sign()[ch], gate.threshold()[ch],
                (float) gate.slope(), sums);
    }

    @Override
    public double largestMagnitude(Data<float[]> x, int start, int len) {
        final var xm = Staged.read(x, start, len, 0);
        final int from = Staged.offset(x, start);
        return LOOPS.largestMagnitude(xm, from, from + len);
    }

    @Override
    public double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                     float[] centerLo, float[] scale, float[] shift, double activationSlope) {
        return Kernel.isIdentity(activationSlope) ? normalizeMeasuring(x, y, task, centerHi, centerLo, scale, shift)
                : normalizeActivated(x, y, task, centerHi, centerLo, scale, shift, (float) activationSlope, true);
    }

    @Override
    public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                          float[] scale, float[] shift, double activationSlope) {
        if (Kernel.isIdentity(activationSlope)) {
            normalize(x, y, task, centerHi, centerLo, scale, shift);
        } else {
            normalizeActivated(x, y, task, centerHi, centerLo, scale, shift, (float) activationSlope, false);
        }
    }

    private double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final var xm = Staged.read(x, start, len, 0);
            final var ym = Staged.writable(y, start, len, 1);
            for (int ch = ch0, from = Staged.offset(x, start); ch < ch0 + channels; ch++, from += run) {
                largest = Math.max(largest, LOOPS.normalizeMeasuring(xm, ym, from, from + run, centerHi[ch],
                        centerLo[ch], scale[ch], shift[ch]));
            }
            Staged.written(y, start, len, ym);
        }
        return largest;
    }

    private void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                           float[] scale, float[] shift) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final var xm = Staged.read(x, start, len, 0);
            final var ym = Staged.writable(y, start, len, 1);
            for (int ch = ch0, from = Staged.offset(x, start); ch < ch0 + channels; ch++, from += run) {
                LOOPS.normalize(xm, ym, from, from + run, centerHi[ch], centerLo[ch], scale[ch], shift[ch]);
            }
            Staged.written(y, start, len, ym);
        }
    }

    private double normalizeActivated(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift, float slope, boolean measure) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final var xm = Staged.read(x, start, len, 0);
            final var ym = Staged.writable(y, start, len, 1);
            for (int ch = ch0, from = Staged.offset(x, start); ch < ch0 + channels; ch++, from += run) {
                largest = Math.max(largest, LOOPS.normalizeActivated(xm, ym, from, from + run, centerHi[ch],
                        centerLo[ch], scale[ch], shift[ch], slope, measure));
            }
            Staged.written(y, start, len, ym);
        }
        return largest;
    }

    @Override
    public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                          float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                          ActivationGate<float[]> gate) {
        if (gate == null) {
            gradApply(x, dy, dx, task, centerHi, centerLo, dyScale, xcScale, offset);
        } else {
            gatedGradApply(x, dy, dx, task, centerHi, centerLo, dyScale, xcScale, offset, gate);
        }
    }

    private void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                           float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final var xm = Staged.read(x, start, len, 0);
            final var gm = Staged.read(dy, start, len, 1);
            final var dm = Staged.writable(dx, start, len, 2);
            for (int ch = ch0, from = Staged.offset(x, start); ch < ch0 + channels; ch++, from += run) {
                LOOPS.gradApply(xm, gm, dm, from, from + run, centerHi[ch], centerLo[ch], dyScale[ch], xcScale[ch],
                        offset[ch]);
            }
            Staged.written(dx, start, len, dm);
        }
    }

    private void gatedGradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                                float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                                ActivationGate<float[]> gate) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        final float[] sign = gate.sign(), threshold = gate.threshold();
        final float slope = (float) gate.slope();
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final var xm = Staged.read(x, start, len, 0);
            final var gm = Staged.read(dy, start, len, 1);
            final var dm = Staged.writable(dx, start, len, 2);
            for (int ch = ch0, from = Staged.offset(x, start); ch < ch0 + channels; ch++, from += run) {
                LOOPS.gatedGradApply(xm, gm, dm, from, from + run, centerHi[ch], centerLo[ch], dyScale[ch],
                        xcScale[ch], offset[ch], sign[ch], threshold[ch], slope);
            }
            Staged.written(dx, start, len, dm);
        }
    }
}
