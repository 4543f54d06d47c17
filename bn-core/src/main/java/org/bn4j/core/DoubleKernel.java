package org.bn4j.core;

/** The element-type half of a double kernel: conversions and scans that do not depend on the layout. */
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
    default int firstNonFinite(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    default double valueAt(double[] a, int i) {
        return a[i];
    }
}
