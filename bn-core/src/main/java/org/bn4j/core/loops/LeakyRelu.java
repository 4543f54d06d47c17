package org.bn4j.core.loops;

/**
 * The scalar math of the activations the loops fuse, one place for every element type and every loop:
 * {@code y = max(v, slope * v)} and its gradient {@code dL/dv = v > 0 ? dL/dy : slope * dL/dy}, with ReLU the slope 0.
 */
public final class LeakyRelu {
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

    /** @return the gradient where the gate is {@code open} (the normalized value above zero) or not */
    public static float gated(boolean open, float dy, float slope) {
        return open ? dy : slope * dy;
    }

    public static double gated(boolean open, double dy, double slope) {
        return open ? dy : slope * dy;
    }
}
