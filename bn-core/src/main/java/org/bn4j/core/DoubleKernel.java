package org.bn4j.core;

/** The element-type half of a double kernel: coefficient conversions that do not depend on the layout. */
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
}
