package org.bn4j.core.kernel;

import org.bn4j.core.loops.DirectVectorLoops;
import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;

/**
 * Channels-first planes of off-heap floats ({@link DirectFloatData}) with the Vector API: every pass loads and stores
 * the memory in place through {@link DirectVectorLoops}, one plane (or part of one) per inner loop.
 */
final class DirectPlanarKernel extends FloatPlanarKernel {
    DirectPlanarKernel(Dims dims) {
        super(dims);
    }

    @Override
    void runDeviations(Data<float[]> x, int start, int len, double m, double[] deviations) {
        DirectVectorLoops.addDeviations((DirectFloatData) x, start, len, m, deviations);
    }

    @Override
    void runGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean, double[] sums) {
        DirectVectorLoops.gradSums((DirectFloatData) x, (DirectFloatData) dy, start, len, mean, sums);
    }

    @Override
    void runGatedGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean,
                          ActivationGate<float[]> gate, int ch, double[] sums) {
        DirectVectorLoops.gatedGradSums((DirectFloatData) x, (DirectFloatData) dy, start, len, mean, gate.hi()[ch],
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
        final int channels = channelCount(task), ch0 = firstChannel(task);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                largest = Math.max(largest, DirectVectorLoops.normalizeMeasuring(xd, yd, start + (ch - ch0) * run,
                        run, centerHi[ch], centerLo[ch], scale[ch], shift[ch]));
            }
        }
        return largest;
    }

    /** Measures too, as {@link DirectRowKernel#normalize} does: one activated loop of each kind is enough. */
    private double normalizeActivated(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift, float slope) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int channels = channelCount(task), ch0 = firstChannel(task);
        double largest = 0;
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                largest = Math.max(largest, DirectVectorLoops.normalizeMeasuringActivated(xd, yd,
                        start + (ch - ch0) * run, run, centerHi[ch], centerLo[ch], scale[ch], shift[ch], slope));
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
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                DirectVectorLoops.normalize(xd, yd, start + (ch - ch0) * run, run, centerHi[ch], centerLo[ch],
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
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                DirectVectorLoops.gradApply(xd, gd, dd, start + (ch - ch0) * run, run, centerHi[ch], centerLo[ch],
                        dyScale[ch], xcScale[ch], offset[ch]);
            }
        }
    }

    private void gatedGradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                                float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                                ActivationGate<float[]> gate) {
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
        final int channels = channelCount(task), ch0 = firstChannel(task);
        final float[] a = gate.scale(), b = gate.shift();
        final float slope = (float) gate.slope();
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                DirectVectorLoops.gatedGradApply(xd, gd, dd, start + (ch - ch0) * run, run, centerHi[ch],
                        centerLo[ch], dyScale[ch], xcScale[ch], offset[ch], a[ch], b[ch], slope);
            }
        }
    }

    @Override
    public double largestMagnitude(Data<float[]> x, int start, int len) {
        return DirectVectorLoops.largestMagnitude((DirectFloatData) x, start, len);
    }
}
