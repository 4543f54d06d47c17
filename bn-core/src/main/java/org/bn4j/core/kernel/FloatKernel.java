package org.bn4j.core.kernel;

import org.bn4j.core.loops.GateThreshold;

/** The element-type half of a float kernel: what does not depend on the layout. */
interface FloatKernel extends Kernel<float[]> {
    @Override
    default float[] narrow(double[] v, int slot) {
        float[] out = Scratch.floatCoefficients(slot, v.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }

    @Override
    default float[] residual(double[] v, int slot) {
        float[] out = Scratch.floatCoefficients(slot, v.length);
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] - (float) v[i]);
        }
        return out;
    }

    @Override
    default ActivationGate<float[]> gate(float[] centerHi, float[] centerLo, float[] scale, float[] shift,
                                         int channels, double activationSlope) {
        float[] sign = Scratch.floatCoefficients(Scratch.GATE, channels);
        float[] threshold = Scratch.floatCoefficients(Scratch.GATE + 1, channels);
        GateThreshold.write(centerHi, centerLo, scale, shift, channels, sign, threshold);
        return new ActivationGate<>(sign, threshold, activationSlope);
    }
}
