package org.bn4j.core.kernel;

import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * {@link PlanarKernel} for float data staged through arrays; the direct kernels override its passes. Also the template
 * of the twin for the other element type, generated at build time (see bn-core's pom).
 */
class FloatPlanarKernel extends PlanarKernel<float[]> implements FloatKernel {
    FloatPlanarKernel(Dims dims) {
        super(dims);
    }

    @Override
    void runDeviations(Data<float[]> x, int start, int len, double m, double[] deviations) {
        final int o = x.offset(start);
        Loops.CHOSEN.addDeviations(x.read(start, len, 0), o, o + len, m, deviations);
    }

    @Override
    void runGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean, double[] sums) {
        final int o = x.offset(start);
        Loops.CHOSEN.gradSums(x.read(start, len, 0), dy.read(start, len, 1), o, o + len, mean, sums);
    }

    @Override
    void runGatedGradSums(Data<float[]> x, Data<float[]> dy, int start, int len, double mean,
                          ActivationGate<float[]> gate, int ch, double[] sums) {
        final int o = x.offset(start);
        Loops.CHOSEN.gatedGradSums(x.read(start, len, 0), dy.read(start, len, 1), o, o + len, mean, gate.hi()[ch],
                gate.lo()[ch], gate.scale()[ch], gate.shift()[ch], (float) gate.slope(), sums);
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
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final float[] xa = x.read(start, len, 0);
            final float[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                final float hi = centerHi[ch], lo = centerLo[ch], a = scale[ch], b = shift[ch];
                final int from = o + (ch - ch0) * run;
                for (int j = from; j < from + run; j++) {
                    ya[j] = ((xa[j] - hi) - lo) * a + b;
                }
            }
            y.written(start, len, ya);
        }
    }

    private void normalizeActivated(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                    float[] centerLo, float[] scale, float[] shift, float slope) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final float[] xa = x.read(start, len, 0);
            final float[] ya = y.writable(start, len, 1);
            final int o = x.offset(start);
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                final int from = o + (ch - ch0) * run;
                Loops.CHOSEN.normalizeActivated(xa, ya, from, from + run, centerHi[ch], centerLo[ch], scale[ch],
                        shift[ch], slope);
            }
            y.written(start, len, ya);
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
        final int channels = channelCount(task), ch0 = firstChannel(task);
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final float[] xa = x.read(start, len, 0);
            final float[] ga = dy.read(start, len, 1);
            final float[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                final float hi = centerHi[ch], lo = centerLo[ch], k1 = dyScale[ch], q = xcScale[ch], r = offset[ch];
                final int from = o + (ch - ch0) * run;
                for (int j = from; j < from + run; j++) {
                    da[j] = k1 * ga[j] + q * ((xa[j] - hi) - lo) + r;
                }
            }
            dx.written(start, len, da);
        }
    }

    private void gatedGradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                                float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                                ActivationGate<float[]> gate) {
        final int channels = channelCount(task), ch0 = firstChannel(task);
        final float[] a = gate.scale(), b = gate.shift();
        final float slope = (float) gate.slope();
        for (int k = 0, segments = segments(task); k < segments; k++) {
            final int start = segmentStart(task, k), len = segmentLength(task, k), run = len / channels;
            final float[] xa = x.read(start, len, 0);
            final float[] ga = dy.read(start, len, 1);
            final float[] da = dx.writable(start, len, 2);
            final int o = x.offset(start);
            for (int ch = ch0; ch < ch0 + channels; ch++) {
                final int from = o + (ch - ch0) * run;
                Loops.CHOSEN.gatedGradApply(xa, ga, da, from, from + run, centerHi[ch], centerLo[ch], dyScale[ch],
                        xcScale[ch], offset[ch], a[ch], b[ch], slope);
            }
            dx.written(start, len, da);
        }
    }
}
