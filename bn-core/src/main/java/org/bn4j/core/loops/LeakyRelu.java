package org.bn4j.core.loops;

/**
 * The scalar math of the activations the loops fuse, one place for every element type and every loop:
 * {@code y = max(v, slope * v)} and its gradient {@code dL/dv = v > 0 ? dL/dy : slope * dL/dy}, with ReLU the slope 0.
 */
public final class LeakyRelu {
    /** The bits of the gradient's factor where the gate is open (1), for choices among integer bits. */
    static final int FLOAT_ONE = Float.floatToRawIntBits(1f);
    static final long DOUBLE_ONE = Double.doubleToRawLongBits(1d);

    private LeakyRelu() {
    }

    // ReLU takes max(v, 0) rather than max(v, 0 * v), which would give -0 below zero and NaN at -infinity.

    public static float activated(float v, float slope) {
        return slope == 0 ? Math.max(v, 0f) : Math.max(v, slope * v);
    }

    public static double activated(double v, double slope) {
        return slope == 0 ? Math.max(v, 0d) : Math.max(v, slope * v);
    }

    public static float gated(float v, float dy, float slope) {
        return gated(v > 0, dy, slope);
    }

    public static double gated(double v, double dy, double slope) {
        return gated(v > 0, dy, slope);
    }

    /**
     * @return the gradient where the gate is {@code open} (the normalized value above zero) or not: {@code dy} or
     * {@code slope * dy}, computed as {@code dy * (open ? 1 : slope)}, the same bits. The factor is chosen among
     * integer bits: C2 compiles an integer choice to a conditional move, a floating-point one to a branch, which
     * mispredicts on every other value where the gate is open about half the time.
     */
    public static float gated(boolean open, float dy, float slope) {
        return dy * Float.intBitsToFloat(open ? FLOAT_ONE : Float.floatToRawIntBits(slope));
    }

    public static double gated(boolean open, double dy, double slope) {
        return dy * Double.longBitsToDouble(open ? DOUBLE_ONE : Double.doubleToRawLongBits(slope));
    }

    /**
     * @return the gradient's factor where {@code z = sign * x - threshold} (see {@link GateThreshold}): 1 where z is
     * above zero, else {@code slope}, so that {@code dy * factor} has the bits of {@link #gated(boolean, float, float)}
     * with {@code open = sign * x > threshold}. Without a comparison: scaling by 2^254 takes every z above zero to at
     * least 1, and {@code max} and {@code min} clamp to [slope, 1], which C2 vectorizes in plain Java, where it does
     * not vectorize a choice. The two differ only where z is NaN (x NaN, or x and the threshold infinite alike): the
     * factor is NaN, and dx is not finite either way.
     */
    public static float gateFactor(float z, float slope) {
        return Math.min(1f, Math.max(slope, z * 0x1p127f * 0x1p127f));
    }

    /** As the float form; 2^2046 takes every double z above zero to at least 1. */
    public static double gateFactor(double z, double slope) {
        return Math.min(1d, Math.max(slope, z * 0x1p1023 * 0x1p1023));
    }
}
