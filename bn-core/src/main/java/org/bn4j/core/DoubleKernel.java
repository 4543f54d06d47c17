package org.bn4j.core;

/** The element-type half of a double kernel: coefficient conversions that do not depend on the layout. */
interface DoubleKernel extends Kernel<double[]> {
    @Override
    default double[] narrow(double[] v) {
        return narrowed(v);
    }

    @Override
    default double[] residual(double[] v) {
        return residuals(v);
    }

    /** @return a copy of {@code v}, one value per channel */
    static double[] narrowed(double[] v) {
        return v.clone();
    }

    /** @return zeros, one per channel: doubles lose nothing to {@link #narrowed} */
    static double[] residuals(double[] v) {
        return new double[v.length];
    }
}
