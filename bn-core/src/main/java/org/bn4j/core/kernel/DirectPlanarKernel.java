package org.bn4j.core.kernel;

import org.bn4j.core.loops.DirectFloatVectorLoops;
import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;

/**
 * Channels-first planes of off-heap floats ({@link DirectFloatData}) with the Vector API: every pass loads and stores
 * the memory in place through {@link DirectFloatVectorLoops}, one plane (or part of one) per inner loop.
 */
final class DirectPlanarKernel extends FloatPlanarKernel {
    DirectPlanarKernel(Dims dims) {
        super(dims);
    }

    @Override
    void runDeviations(Data<float[]> x, int start, int len, double m, double[] deviations) {
        final DirectFloatData xd = (DirectFloatData) x;
        final int from = xd.base + start;
        DirectFloatVectorLoops.addDeviations(xd.memory, from, from + len, m, deviations);
    }

    @Override
    void runGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean, double[] sums) {
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy;
        final int from = xd.baseSharedWith(gd) + start;
        DirectFloatVectorLoops.gradSums(xd.memory, gd.memory, from, from + len, mean, sums);
    }

    @Override
    void runGatedGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean,
                          ActivationGate<float[]> gate, int ch, double[] sums) {
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy;
        final int from = xd.baseSharedWith(gd) + start;
        DirectFloatVectorLoops.gatedGradSums(xd.memory, gd.memory, from, from + len, mean, gate.hi()[ch],
                gate.lo()[ch], gate.scale()[ch], gate.shift()[ch], (float) gate.slope(), sums);
    }

    // Identity and an activation run in methods of their own, so that the identity passes compile as they would
    // without activations.

    @Override
    public double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                     float[] centerLo, float[] scale, float[] shift, double activationSlope) {
        return Kernel.isIdentity(activationSlope) ? normalizeMeasuring(x, y, task, centerHi, centerLo, scale, shift)
                : normalizeActivated(x, y, task, centerHi, centerLo, scale, shift, (float) activationSlope);
    }

    private double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int channels = channelCount(task), ch0 = firstChannel(task), base = xd.baseSharedWith(yd);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = base + segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0, from = start; ch < ch0 + channels; ch++, from += run) {
                largest = Math.max(largest, DirectFloatVectorLoops.normalizeMeasuring(xd.memory, yd.memory, from,
                        from + run, centerHi[ch], centerLo[ch], scale[ch], shift[ch]));
            }
        }
        return largest;
    }

    /** Measures too, as {@link DirectRowKernel#normalize} does: one activated loop of each kind is enough. */
    private double normalizeActivated(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift, float slope) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int channels = channelCount(task), ch0 = firstChannel(task), base = xd.baseSharedWith(yd);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = base + segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0, from = start; ch < ch0 + channels; ch++, from += run) {
                largest = Math.max(largest, DirectFloatVectorLoops.normalizeActivated(xd.memory, yd.memory, from,
                        from + run, centerHi[ch], centerLo[ch], scale[ch], shift[ch], slope));
            }
        }
        return largest;
    }

    @Override
    public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                          float[] scale, float[] shift, double activationSlope) {
        if (Kernel.isIdentity(activationSlope)) {
            normalize(x, y, task, centerHi, centerLo, scale, shift);
        } else {
            normalizeActivated(x, y, task, centerHi, centerLo, scale, shift, (float) activationSlope);
        }
    }

    private void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                           float[] scale, float[] shift) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int channels = channelCount(task), ch0 = firstChannel(task), base = xd.baseSharedWith(yd);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = base + segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0, from = start; ch < ch0 + channels; ch++, from += run) {
                DirectFloatVectorLoops.normalize(xd.memory, yd.memory, from, from + run, centerHi[ch], centerLo[ch],
                        scale[ch], shift[ch]);
            }
        }
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
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
        final int channels = channelCount(task), ch0 = firstChannel(task);
        final int base = xd.baseSharedWith(gd, dd);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = base + segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0, from = start; ch < ch0 + channels; ch++, from += run) {
                DirectFloatVectorLoops.gradApply(xd.memory, gd.memory, dd.memory, from, from + run, centerHi[ch],
                        centerLo[ch], dyScale[ch], xcScale[ch], offset[ch]);
            }
        }
    }

    private void gatedGradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                                float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                                ActivationGate<float[]> gate) {
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
        final int channels = channelCount(task), ch0 = firstChannel(task);
        final int base = xd.baseSharedWith(gd, dd);
        final float[] a = gate.scale(), b = gate.shift();
        final float slope = (float) gate.slope();
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = base + segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0, from = start; ch < ch0 + channels; ch++, from += run) {
                DirectFloatVectorLoops.gatedGradApply(xd.memory, gd.memory, dd.memory, from, from + run,
                        centerHi[ch], centerLo[ch], dyScale[ch], xcScale[ch], offset[ch], a[ch], b[ch], slope);
            }
        }
    }

    @Override
    public double largestMagnitude(Data<float[]> x, int start, int len) {
        final DirectFloatData xd = (DirectFloatData) x;
        return DirectFloatVectorLoops.largestMagnitude(xd.memory, xd.base + start, xd.base + start + len);
    }
}
