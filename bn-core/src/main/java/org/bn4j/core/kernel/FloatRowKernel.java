package org.bn4j.core.kernel;

import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/**
 * {@link RowKernel} for float data staged through arrays; the direct kernels override its passes. Also the template
 * of the twin for the other element type, generated at build time (see bn-core's pom).
 */
class FloatRowKernel extends RowKernel<float[]> implements FloatKernel {
    FloatRowKernel(Dims dims) {
        super(dims);
    }

    @Override
    public float[] narrow(double[] v) {
        return tiled(FloatKernel.super.narrow(v), new float[tile]);
    }

    @Override
    public float[] residual(double[] v) {
        return tiled(FloatKernel.super.residual(v), new float[tile]);
    }

    @Override
    void addRowDeviations(float[] a, int base, int rows, double[] mean, double[] sumD, double[] sumD2) {
        Loops.CHOSEN.addRowDeviations(a, base, rows, c, mean, sumD, sumD2);
    }

    @Override
    void addRowGradSums(float[] x, float[] dy, int base, int rows, double[] mean, double[] sumDy,
                        double[] sumDyXc, double[] sumDySq) {
        Loops.CHOSEN.addRowGradSums(x, dy, base, rows, c, mean, sumDy, sumDyXc, sumDySq);
    }

    @Override
    void normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] scale,
                       float[] shift) {
        Loops.CHOSEN.normalizeTile(x, y, base, n, hi, lo, scale, shift);
    }

    @Override
    void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k,
                       float[] q, float[] r) {
        Loops.CHOSEN.gradApplyTile(x, dy, dx, base, n, hi, lo, k, q, r);
    }

    @Override
    void normalizeActivatedTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] scale,
                                float[] shift, double slope) {
        Loops.CHOSEN.normalizeActivatedTile(x, y, base, n, hi, lo, scale, shift, (float) slope);
    }

    @Override
    void addRowGatedGradSums(float[] x, float[] dy, int base, int rows, double[] mean,
                             ActivationGate<float[]> gate, double[] sumDy, double[] sumDyXc, double[] sumDySq) {
        Loops.CHOSEN.addRowGatedGradSums(x, dy, base, rows, c, mean, gate.hi(), gate.lo(), gate.scale(),
                gate.shift(), (float) gate.slope(), sumDy, sumDyXc, sumDySq);
    }

    @Override
    void gatedGradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo,
                            float[] k, float[] q, float[] r, ActivationGate<float[]> gate) {
        Loops.CHOSEN.gatedGradApplyTile(x, dy, dx, base, n, hi, lo, k, q, r, gate.scale(), gate.shift(),
                (float) gate.slope());
    }
}
