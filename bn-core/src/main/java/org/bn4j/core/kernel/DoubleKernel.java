package org.bn4j.core.kernel;

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

}
