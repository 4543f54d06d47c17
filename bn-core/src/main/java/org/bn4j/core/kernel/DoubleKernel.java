package org.bn4j.core.kernel;

import org.bn4j.core.loops.Loops;
import org.bn4j.core.storage.Data;

/** The element-type half of a double kernel: what does not depend on the layout. */
interface DoubleKernel extends Kernel<double[]> {
    @Override
    default double[] narrow(double[] v) {
        return v.clone();
    }

    /** Doubles lose nothing to {@link #narrow}. */
    @Override
    default double[] residual(double[] v) {
        return new double[v.length];
    }

    @Override
    default double largestMagnitude(Data<double[]> x, int start, int len) {
        final int o = x.offset(start);
        return Loops.CHOSEN.largestMagnitude(x.read(start, len, 0), o, o + len);
    }
}
