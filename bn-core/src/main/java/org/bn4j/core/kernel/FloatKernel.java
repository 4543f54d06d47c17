package org.bn4j.core.kernel;

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

}
