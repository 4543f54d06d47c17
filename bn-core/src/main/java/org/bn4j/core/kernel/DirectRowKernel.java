package org.bn4j.core.kernel;

import org.bn4j.core.loops.DirectFloatVectorLoops;
import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;

/**
 * Channels-last rows of off-heap floats ({@link DirectFloatData}) with the Vector API: reductions staged as for any
 * buffer, elementwise passes in place through {@link DirectFloatVectorLoops}, a tile at a time.
 */
final class DirectRowKernel extends FloatRowKernel {
    DirectRowKernel(Dims dims) {
        super(dims);
    }

    @Override
    public double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                     float[] centerLo, float[] scale, float[] shift, double activationSlope) {
        return Kernel.isIdentity(activationSlope) ? normalizeMeasuring(x, y, task, centerHi, centerLo, scale, shift)
                : normalizeActivated(x, y, task, centerHi, centerLo, scale, shift, (float) activationSlope);
    }

    private double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int start = xd.baseSharedWith(yd) + start(task), len = rowCount(task) * c;
        double largest = 0;
        for (int j = 0; j < len; j += tile) {
            largest = Math.max(largest, DirectFloatVectorLoops.normalizeTile(xd.memory, yd.memory, start + j,
                    Math.min(tile, len - j), centerHi, centerLo, scale, shift));
        }
        return largest;
    }

    private double normalizeActivated(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                      float[] centerLo, float[] scale, float[] shift, float slope) {
        final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
        final int start = xd.baseSharedWith(yd) + start(task), len = rowCount(task) * c;
        double largest = 0;
        for (int j = 0; j < len; j += tile) {
            largest = Math.max(largest, DirectFloatVectorLoops.normalizeActivatedTile(xd.memory, yd.memory, start + j,
                    Math.min(tile, len - j), centerHi, centerLo, scale, shift, slope));
        }
        return largest;
    }

    /** Measures too: in loops that wait on memory, measuring costs nothing, and one loop of each kind is enough. */
    @Override
    public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                          float[] scale, float[] shift, double activationSlope) {
        normalizeMeasuring(x, y, task, centerHi, centerLo, scale, shift, activationSlope);
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
        final int start = xd.baseSharedWith(gd, dd) + start(task), len = rowCount(task) * c;
        for (int j = 0; j < len; j += tile) {
            DirectFloatVectorLoops.gradApplyTile(xd.memory, gd.memory, dd.memory, start + j, Math.min(tile, len - j),
                    centerHi, centerLo, dyScale, xcScale, offset);
        }
    }

    private void gatedGradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                                float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                                ActivationGate<float[]> gate) {
        final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
        final int start = xd.baseSharedWith(gd, dd) + start(task), len = rowCount(task) * c;
        for (int j = 0; j < len; j += tile) {
            DirectFloatVectorLoops.gatedGradApplyTile(xd.memory, gd.memory, dd.memory, start + j,
                    Math.min(tile, len - j), centerHi, centerLo, dyScale, xcScale, offset, gate.scale(), gate.shift(),
                    (float) gate.slope());
        }
    }

    @Override
    public double largestMagnitude(Data<float[]> x, int start, int len) {
        final DirectFloatData xd = (DirectFloatData) x;
        return DirectFloatVectorLoops.largestMagnitude(xd.memory, xd.base + start, xd.base + start + len);
    }
}
