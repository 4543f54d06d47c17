package org.bn4j.core.kernel;

import java.util.Arrays;
import org.bn4j.core.loops.GateThreshold;

/** The element-type half of a double kernel: what does not depend on the layout. */
interface DoubleKernel extends Kernel<double[]> {
    @Override
    default double[] narrow(double[] v, int slot) {
        double[] out = Scratch.doubleCoefficients(slot, v.length);
        System.arraycopy(v, 0, out, 0, v.length);
        return out;
    }

    /** Doubles lose nothing to {@link #narrow}. */
    @Override
    default double[] residual(double[] v, int slot) {
        double[] out = Scratch.doubleCoefficients(slot, v.length);
        Arrays.fill(out, 0, v.length, 0.0);
        return out;
    }

    @Override
    default ActivationGate<double[]> gate(double[] centerHi, double[] centerLo, double[] scale, double[] shift,
                                          int channels, double activationSlope) {
        double[] sign = Scratch.doubleCoefficients(Scratch.GATE, channels);
        double[] threshold = Scratch.doubleCoefficients(Scratch.GATE + 1, channels);
        GateThreshold.write(centerHi, centerLo, scale, shift, channels, sign, threshold);
        return new ActivationGate<>(sign, threshold, activationSlope);
    }
}
