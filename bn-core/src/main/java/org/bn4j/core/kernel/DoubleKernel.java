package org.bn4j.core.kernel;

import java.util.Arrays;
import org.bn4j.core.loops.GateThreshold;

/** The element-type half of a double kernel: what does not depend on the layout. */
interface DoubleKernel extends Kernel<double[]> {
    @Override
    default double[] narrow(double[] v, int slot) {
        return copied(v, slot);
    }

    /** Doubles lose nothing to {@link #narrow}. */
    @Override
    default double[] residual(double[] v, int slot) {
        return zeros(v.length, slot);
    }

    /** The per-channel gate, from the coefficients themselves: {@link #narrow} keeps them, {@link #residual} is zero. */
    @Override
    default ActivationGate<double[]> gate(double[] center, double[] scale, double[] shift, double activationSlope) {
        final int c = center.length;
        double[] sign = Scratch.doubleCoefficients(Scratch.GATE, c);
        double[] threshold = Scratch.doubleCoefficients(Scratch.GATE + 1, c);
        GateThreshold.write(center, zeros(c, 1), scale, shift, c, sign, threshold);
        return new ActivationGate<>(sign, threshold, activationSlope);
    }

    private static double[] copied(double[] v, int slot) {
        double[] out = Scratch.doubleCoefficients(slot, v.length);
        System.arraycopy(v, 0, out, 0, v.length);
        return out;
    }

    private static double[] zeros(int n, int slot) {
        double[] out = Scratch.doubleCoefficients(slot, n);
        Arrays.fill(out, 0, n, 0.0);
        return out;
    }
}
