package org.bn4j.core.kernel;

import java.util.Arrays;
import org.bn4j.core.storage.PerThreadDoubles;
import org.bn4j.core.storage.PerThreadFloats;

/**
 * Per-thread arrays that a pass ({@link Passes}, on the calling thread) or a kernel's task (on any thread) reuses from
 * call to call instead of allocating them per call. Passes use slots 0 to 3 and tasks slots 4 to 6, so that a task
 * run on the calling thread leaves the pass's arrays alone; nothing else may hold a slot across a call.
 *
 * <p>The coefficients a pass hands its tasks ({@link Kernel#narrow}) have slots of their own: a pass's in 0 to
 * {@code GATE - 1}, an {@link ActivationGate}'s, which lives across the backward's two passes, from {@link #GATE}.
 */
final class Scratch {
    static final int SLOTS = 7;
    private static final PerThreadDoubles ARRAYS = new PerThreadDoubles(SLOTS);
    /** A task's per-channel sums: {@code n} arrays of {@code width}, one task at a time per thread. */
    private static final ThreadLocal<double[][]> SUMS = ThreadLocal.withInitial(() -> new double[0][]);
    /** The first of an {@link ActivationGate}'s two coefficient slots. */
    static final int GATE = 5;
    static final int COEFFICIENT_SLOTS = GATE + 2;
    private static final PerThreadFloats FLOAT_COEFFICIENTS = new PerThreadFloats(COEFFICIENT_SLOTS);
    private static final ThreadLocal<Moments[]> MOMENTS = ThreadLocal.withInitial(() -> new Moments[0]);
    private static final PerThreadDoubles DOUBLE_COEFFICIENTS = new PerThreadDoubles(COEFFICIENT_SLOTS);

    private Scratch() {
    }

    /** @return this thread's array {@code slot}, at least {@code len} long, its values stale */
    static double[] of(int slot, int len) {
        return ARRAYS.get(slot, len);
    }

    /** @return this thread's {@code n} arrays of at least {@code width} for a task's per-channel sums, all zero */
    static double[][] sums(int n, int width) {
        double[][] sums = SUMS.get();
        if (sums.length < n || sums[0].length < width) {
            sums = new double[Math.max(n, sums.length)][Math.max(width, 3)];
            SUMS.set(sums);
        }
        for (int i = 0; i < n; i++) {
            Arrays.fill(sums[i], 0.0);
        }
        return sums;
    }

    /** @return {@link #of}, with {@code [0, len)} zero */
    static double[] zeroed(int slot, int len) {
        final double[] array = of(slot, len);
        Arrays.fill(array, 0, len, 0.0);
        return array;
    }

    /** @return this thread's float coefficient array {@code slot}, at least {@code len} long, its values stale */
    static float[] floatCoefficients(int slot, int len) {
        return FLOAT_COEFFICIENTS.get(slot, len);
    }

    /** @return this thread's double coefficient array {@code slot}, at least {@code len} long, its values stale */
    static double[] doubleCoefficients(int slot, int len) {
        return DOUBLE_COEFFICIENTS.get(slot, len);
    }

    /** @return this thread's per-channel moments for a pass's merge, at least {@code channels}, all clear */
    static Moments[] moments(int channels) {
        Moments[] moments = MOMENTS.get();
        if (moments.length < channels) {
            moments = new Moments[channels];
            for (int ch = 0; ch < channels; ch++) {
                moments[ch] = new Moments();
            }
            MOMENTS.set(moments);
        }
        for (int ch = 0; ch < channels; ch++) {
            moments[ch].clear();
        }
        return moments;
    }
}
