package org.bn4j.core.kernel;

import org.bn4j.core.loops.GateThreshold;

/** The element-type half of a float kernel: what does not depend on the layout. */
interface FloatKernel extends Kernel<float[]> {
    @Override
    default float[] narrow(double[] v, int slot) {
        return rounded(v, slot);
    }

    @Override
    default float[] residual(double[] v, int slot) {
        return roundingResidual(v, slot);
    }

    /** The per-channel gate, from the coefficients as {@link #narrow} and {@link #residual} round them, untiled. */
    @Override
    default ActivationGate<float[]> gate(double[] center, double[] scale, double[] shift, double activationSlope) {
        final int c = center.length;
        float[] sign = Scratch.floatCoefficients(Scratch.GATE, c);
        float[] threshold = Scratch.floatCoefficients(Scratch.GATE + 1, c);
        GateThreshold.write(rounded(center, 0), roundingResidual(center, 1), rounded(scale, 2), rounded(shift, 3), c,
                sign, threshold);
        return new ActivationGate<>(sign, threshold, activationSlope);
    }

    private static float[] rounded(double[] v, int slot) {
        float[] out = Scratch.floatCoefficients(slot, v.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    private static float[] roundingResidual(double[] v, int slot) {
        float[] out = Scratch.floatCoefficients(slot, v.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] - (float) v[i]);
        }
        return out;
    }
}
