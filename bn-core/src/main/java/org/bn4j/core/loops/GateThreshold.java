package org.bn4j.core.loops;

/**
 * Where the gate of a fused activation opens, as a threshold on x: the backward pass's loops test
 * {@code sign * x > threshold}, a multiplication by one and a comparison per value, where recomputing the normalized
 * value {@code v = ((x - hi) - lo) * a + b} to test {@code v > 0} takes four operations and the comparison.
 *
 * <p>The two tests agree for every x, bit for bit. Each rounded operation of v is monotone in x (non-decreasing, or
 * with a negative a non-increasing), so the x whose v is above zero lie on one side of one value; {@code sign} is the
 * sign of a, and the threshold is found by search, testing v in the element type's own arithmetic as the loops do.
 * One exception, where the forward pass's output is NaN: with a zero a the gate is open for every x when b is above
 * zero, though v is NaN where {@code x - hi} is infinite.
 *
 * <p>The threshold is never -0: adding +0 makes it +0, the same gate, so that {@code threshold - sign * x} has its sign
 * bit set exactly where the gate is open (the vector loops' sign-bit gate).
 */
public final class GateThreshold {
    /** The largest step of the search out from the estimate, in values of the element type. */
    private static final long GALLOP = 64;

    private GateThreshold() {
    }

    /** Writes {@code sign[ch]} and {@code threshold[ch]} for the float coefficients of channels {@code [0, n)}. */
    public static void write(float[] hi, float[] lo, float[] a, float[] b, int n, float[] sign, float[] threshold) {
        for (int ch = 0; ch < n; ch++) {
            final float s = a[ch] < 0 ? -1 : 1;
            sign[ch] = s;
            threshold[ch] = lastClosed(s * hi[ch], s * lo[ch], s * a[ch], b[ch]) + 0f;
        }
    }

    /** Writes {@code sign[ch]} and {@code threshold[ch]} for the double coefficients of channels {@code [0, n)}. */
    public static void write(double[] hi, double[] lo, double[] a, double[] b, int n, double[] sign,
                             double[] threshold) {
        for (int ch = 0; ch < n; ch++) {
            final double s = a[ch] < 0 ? -1 : 1;
            sign[ch] = s;
            threshold[ch] = lastClosed(s * hi[ch], s * lo[ch], s * a[ch], b[ch]) + 0d;
        }
    }

    // With x = sign * y, v is ((y - sign * hi) - sign * lo) * (sign * a) + b: negating both operands of a rounded
    // addition negates its result, so the gate is open where y is above the largest y whose v is not.

    // In practice the threshold is the real root rounded to the element type, or the value below it: three independent
    // tests, so that channels overlap in the pipeline, and a choice between integer bits, which C2 compiles to a
    // conditional move where a choice between floats was a branch that mispredicted about every other channel. Where
    // the rounding of v moves its change of sign a few values from the root (a shift b large beside the scale a), the
    // search starts from the estimate.

    /**
     * @return the largest float y whose v is not above zero ({@code a} not below zero); infinite when every finite y
     * is on one side
     */
    private static float lastClosed(float hi, float lo, float a, float b) {
        if (!(a > 0)) {
            return a == 0 && b > 0 ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        }
        final float estimate = (float) ((double) hi + lo - (double) b / a);
        final float below = Math.nextDown(estimate), above = Math.nextUp(estimate);
        final boolean openAt = open(estimate, hi, lo, a, b);
        if (!open(below, hi, lo, a, b) && open(above, hi, lo, a, b)) {
            return Float.intBitsToFloat(openAt ? Float.floatToRawIntBits(below) : Float.floatToRawIntBits(estimate));
        }
        if (!open(Float.POSITIVE_INFINITY, hi, lo, a, b)) {
            return Float.POSITIVE_INFINITY;   // v is NaN or not above zero everywhere (non-finite coefficients)
        }
        return fromKey((int) lastClosedKey(estimate != estimate ? 0 : key(estimate), key(Float.NEGATIVE_INFINITY),
                key(Float.POSITIVE_INFINITY), hi, lo, a, b, true));
    }

    /** As the float form, in doubles. */
    private static double lastClosed(double hi, double lo, double a, double b) {
        if (!(a > 0)) {
            return a == 0 && b > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        final double estimate = hi + lo - b / a;
        final double below = Math.nextDown(estimate), above = Math.nextUp(estimate);
        final boolean openAt = open(estimate, hi, lo, a, b);
        if (!open(below, hi, lo, a, b) && open(above, hi, lo, a, b)) {
            return Double.longBitsToDouble(openAt ? Double.doubleToRawLongBits(below)
                    : Double.doubleToRawLongBits(estimate));
        }
        if (!open(Double.POSITIVE_INFINITY, hi, lo, a, b)) {
            return Double.POSITIVE_INFINITY;
        }
        return fromKey(lastClosedKey(estimate != estimate ? 0 : key(estimate), key(Double.NEGATIVE_INFINITY),
                key(Double.POSITIVE_INFINITY), hi, lo, a, b, false));
    }

    /**
     * @return the largest key whose value is closed, keys of floats or of doubles ordered as their values:
     * {@code closed} is closed, {@code open} open, and between them the gate opens once. Gallops out from
     * {@code start} to bracket the change, steps doubling up to {@link #GALLOP}, then bisects the bracket. The
     * coefficients are the element type's, held exactly in doubles.
     */
    private static long lastClosedKey(long start, long closed, long open, double hi, double lo, double a, double b,
                                      boolean floats) {
        if (openAt(start, hi, lo, a, b, floats)) {
            open = start;
            for (long step = 1; step <= GALLOP && start - step > closed; step <<= 1) {
                if (!openAt(start - step, hi, lo, a, b, floats)) {
                    closed = start - step;
                    break;
                }
                open = start - step;
            }
        } else {
            closed = start;
            for (long step = 1; step <= GALLOP && start + step < open; step <<= 1) {
                if (openAt(start + step, hi, lo, a, b, floats)) {
                    open = start + step;
                    break;
                }
                closed = start + step;
            }
        }
        while (Long.compareUnsigned(open - closed, 1) > 0) {
            final long mid = closed + ((open - closed) >>> 1);
            if (openAt(mid, hi, lo, a, b, floats)) {
                open = mid;
            } else {
                closed = mid;
            }
        }
        return closed;
    }

    /** @return whether v is above zero at the float or double whose key is {@code key} */
    private static boolean openAt(long key, double hi, double lo, double a, double b, boolean floats) {
        return floats ? open(fromKey((int) key), (float) hi, (float) lo, (float) a, (float) b)
                : open(fromKey(key), hi, lo, a, b);
    }

    /** @return whether v is above zero at y, rounded as the loops round it */
    private static boolean open(float y, float hi, float lo, float a, float b) {
        return ((y - hi) - lo) * a + b > 0;
    }

    private static boolean open(double y, double hi, double lo, double a, double b) {
        return ((y - hi) - lo) * a + b > 0;
    }

    // Keys whose signed order is the order of the values, -0 just below +0.

    private static int key(float v) {
        final int bits = Float.floatToRawIntBits(v);
        return bits < 0 ? bits ^ Integer.MAX_VALUE : bits;
    }

    private static float fromKey(int key) {
        return Float.intBitsToFloat(key < 0 ? key ^ Integer.MAX_VALUE : key);
    }

    private static long key(double v) {
        final long bits = Double.doubleToRawLongBits(v);
        return bits < 0 ? bits ^ Long.MAX_VALUE : bits;
    }

    private static double fromKey(long key) {
        return Double.longBitsToDouble(key < 0 ? key ^ Long.MAX_VALUE : key);
    }
}
