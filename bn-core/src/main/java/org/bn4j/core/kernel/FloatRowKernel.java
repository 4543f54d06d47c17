package org.bn4j.core.kernel;

import org.bn4j.core.loops.FloatLoops;
import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * {@link RowKernel} for float data, each task's rows reached through {@link Staged} and run by {@link Loops}'s float
 * loops. Also the template of two twins generated at build time (see bn-core's pom): the kernel for double data, and
 * the kernel for off-heap floats with the Vector API, whose rows are the memory itself ({@link InPlace}).
 *
 * <p>The normalizing tiles measure x only for {@link #normalizeMeasuring}, though the vector loops measure in either
 * pass (one loop of each kind is enough, and in loops that wait on memory measuring costs nothing).
 */
class FloatRowKernel extends RowKernel<float[]> implements FloatKernel {
    private static final FloatLoops<float[]> LOOPS = Loops.floats();

    FloatRowKernel(Dims dims) {
        super(dims);
    }

    @Override
    public float[] narrow(double[] v, int slot) {
        Scratch.floatCoefficients(slot, tile);   // a whole tile's room first, so the channels land in its first row
        return tiled(FloatKernel.super.narrow(v, slot));
    }

    @Override
    public float[] residual(double[] v, int slot) {
        Scratch.floatCoefficients(slot, tile);
        return tiled(FloatKernel.super.residual(v, slot));
    }

    @Override
    public ActivationGate<float[]> gate(double[] center, double[] scale, double[] shift, double activationSlope) {
        Scratch.floatCoefficients(Scratch.GATE, tile);   // a whole tile's room first, as in narrow
        Scratch.floatCoefficients(Scratch.GATE + 1, tile);
        final ActivationGate<float[]> gate = FloatKernel.super.gate(center, scale, shift, activationSlope);
        tiled(gate.sign());
        tiled(gate.threshold());
        return gate;
    }

    @Override
    public double largestMagnitude(Data<float[]> x, int start, int len) {
        final var xm = Staged.read(x, start, len, 0);
        final int from = Staged.offset(x, start);
        return LOOPS.largestMagnitude(xm, from, from + len);
    }

    @Override
    public final void moments(Data<float[]> x, int task, double[] count, double[] mean, double[] m2) {
        final int start = start(task), rowCount = rowCount(task);
        final var xm = Staged.read(x, start, rowCount * c, 0);
        final double[] shift = Scratch.of(4, c);
        for (int ch = 0; ch < c; ch++) {
            shift[ch] = x.valueAt(start + ch);
        }
        final double[] sumD = Scratch.zeroed(5, c);
        final double[] sumD2 = Scratch.zeroed(6, c);
        LOOPS.addRowDeviations(xm, Staged.offset(x, start), rowCount, c, shift, sumD, sumD2);
        final int slot = task * c;
        for (int ch = 0; ch < c; ch++) {
            Moments.writeDeviations(slot + ch, rowCount, shift[ch], sumD[ch], sumD2[ch], count, mean, m2);
        }
    }

    @Override
    public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                          float[] scale, float[] shift, double activationSlope) {
        normalize(x, y, task, centerHi, centerLo, scale, shift, activationSlope, false);
    }

    @Override
    public double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                     float[] centerLo, float[] scale, float[] shift, double activationSlope) {
        return normalize(x, y, task, centerHi, centerLo, scale, shift, activationSlope, true);
    }

    private double normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                             float[] scale, float[] shift, double activationSlope, boolean measure) {
        final int start = start(task), len = rowCount(task) * c;
        final var xm = Staged.read(x, start, len, 0);
        final var ym = Staged.writable(y, start, len, 1);
        final int from = Staged.offset(x, start);
        double largest = 0;
        if (Kernel.isIdentity(activationSlope)) {
            for (int j = 0; j < len; j += tile) {
                largest = Math.max(largest, LOOPS.normalizeTile(xm, ym, from + j, Math.min(tile, len - j), centerHi,
                        centerLo, scale, shift, measure));
            }
        } else {
            for (int j = 0; j < len; j += tile) {
                largest = Math.max(largest, LOOPS.normalizeActivatedTile(xm, ym, from + j, Math.min(tile, len - j),
                        centerHi, centerLo, scale, shift, (float) activationSlope, measure));
            }
        }
        Staged.written(y, start, len, ym);
        return largest;
    }

    @Override
    public final void gradSums(Data<float[]> x, Data<float[]> dy, int task, double[] mean, double[] sumDy,
                               double[] sumDyXc, double[] sumDySq, ActivationGate<float[]> gate) {
        final int start = start(task), rowCount = rowCount(task), len = rowCount * c, slot = task * c;
        final var xm = Staged.read(x, start, len, 0);
        final var gm = Staged.read(dy, start, len, 1);
        final int from = Staged.offset(x, start);
        final double[] g = Scratch.zeroed(4, c), p = Scratch.zeroed(5, c), q = Scratch.zeroed(6, c);
        if (gate == null) {
            LOOPS.addRowGradSums(xm, gm, from, rowCount, c, mean, g, p, q);
        } else {
            LOOPS.addRowGatedGradSums(xm, gm, from, rowCount, c, mean, gate.sign(), gate.threshold(),
                    (float) gate.slope(), g, p, q);
        }
        System.arraycopy(g, 0, sumDy, slot, c);
        System.arraycopy(p, 0, sumDyXc, slot, c);
        System.arraycopy(q, 0, sumDySq, slot, c);
    }

    @Override
    public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                          float[] centerLo, float[] dyScale, float[] xcScale, float[] offset,
                          ActivationGate<float[]> gate) {
        final int start = start(task), len = rowCount(task) * c;
        final var xm = Staged.read(x, start, len, 0);
        final var gm = Staged.read(dy, start, len, 1);
        final var dm = Staged.writable(dx, start, len, 2);
        final int from = Staged.offset(x, start);
        if (gate == null) {
            for (int j = 0; j < len; j += tile) {
                LOOPS.gradApplyTile(xm, gm, dm, from + j, Math.min(tile, len - j), centerHi, centerLo, dyScale,
                        xcScale, offset);
            }
        } else {
            for (int j = 0; j < len; j += gatedTile) {
                LOOPS.gatedGradApplyTile(xm, gm, dm, from + j, Math.min(gatedTile, len - j), centerHi, centerLo,
                        dyScale, xcScale, offset, gate.sign(), gate.threshold(), (float) gate.slope());
            }
        }
        Staged.written(dx, start, len, dm);
    }
}
