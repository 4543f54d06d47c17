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
    private GateThreshold() {
    }

    /** Writes {@code sign[ch]} and {@code threshold[ch]} for the float coefficients of channels {@code [0, n)}. */
    public static void write(float[] hi, float[] lo, float[] a, float[] b, int n, float[] sign, float[] threshold) {
        for (int ch = 0; ch < n; ch++) {
            final float s = a[ch] < 0 ? -1 : 1;
            sign[ch] = s;
            threshold[ch] = (float) lastClosed(s * hi[ch], s * lo[ch], s * a[ch], b[ch], true) + 0f;
        }
    }

    /** Writes {@code sign[ch]} and {@code threshold[ch]} for the double coefficients of channels {@code [0, n)}. */
    public static void write(double[] hi, double[] lo, double[] a, double[] b, int n, double[] sign,
                             double[] threshold) {
        for (int ch = 0; ch < n; ch++) {
            final double s = a[ch] < 0 ? -1 : 1;
            sign[ch] = s;
            threshold[ch] = lastClosed(s * hi[ch], s * lo[ch], s * a[ch], b[ch], false) + 0d;
        }
    }

    // With x = sign * y, v is ((y - sign * hi) - sign * lo) * (sign * a) + b: negating both operands of a rounded
    // addition negates its result, so the gate is open where y is above the largest y whose v is not.

    /**
     * @return the largest y, in the element type, whose v is not above zero ({@code a} not below zero); infinite when
     * every finite y is on one side
     */
    private static double lastClosed(double hi, double lo, double a, double b, boolean floats) {
        if (!(a > 0)) {
            return a == 0 && b > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        // In practice the threshold is the real root rounded to the element type, or the value below it: three
        // independent tests, so that channels overlap in the pipeline.
        final double estimate = floats ? (float) (hi + lo - b / a) : hi + lo - b / a;
        final double below = floats ? Math.nextDown((float) estimate) : Math.nextDown(estimate);
        final double above = floats ? Math.nextUp((float) estimate) : Math.nextUp(estimate);
        final boolean openAt = open(estimate, hi, lo, a, b, floats);
        if (!open(below, hi, lo, a, b, floats) && open(above, hi, lo, a, b, floats)) {
            return openAt ? below : estimate;
        }
        // Otherwise bisect the doubles between the infinities by their order. With floats each double stands for the
        // float it rounds to, a monotone map, so the largest closed double rounds to the largest closed float.
        if (!open(Double.POSITIVE_INFINITY, hi, lo, a, b, floats)) {
            return Double.POSITIVE_INFINITY;   // v is NaN or not above zero everywhere (non-finite coefficients)
        }
        long closedKey = key(Double.NEGATIVE_INFINITY), openKey = key(Double.POSITIVE_INFINITY);
        while (Long.compareUnsigned(openKey - closedKey, 1) > 0) {
            final long mid = closedKey + ((openKey - closedKey) >>> 1);
            if (open(fromKey(mid), hi, lo, a, b, floats)) {
                openKey = mid;
            } else {
                closedKey = mid;
            }
        }
        return fromKey(closedKey);
    }

    /** @return whether v is above zero at y, rounded as the loops round it */
    private static boolean open(double y, double hi, double lo, double a, double b, boolean floats) {
        if (floats) {
            return (((float) y - (float) hi) - (float) lo) * (float) a + (float) b > 0;
        }
        return ((y - hi) - lo) * a + b > 0;
    }

    /** @return a long whose signed order is the order of the doubles, -0 just below +0 */
    private static long key(double v) {
        final long bits = Double.doubleToRawLongBits(v);
        return bits < 0 ? bits ^ Long.MAX_VALUE : bits;
    }

    private static double fromKey(long key) {
        return Double.longBitsToDouble(key < 0 ? key ^ Long.MAX_VALUE : key);
    }
}
