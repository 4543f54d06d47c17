package org.bn4j.core;

import org.bn4j.core.kernel.Kernel;
import org.bn4j.core.loops.LeakyRelu;

/**
 * An elementwise function applied to batch normalization's output inside its own passes over memory, so that
 * {@code BN -> ReLU} costs no pass of its own. With {@code v} the normalized value {@code gamma * xHat + beta}:
 *
 * <pre>
 * IDENTITY          y = v                          dL/dv = dL/dy
 * RELU              y = max(v, 0)                  dL/dv = v &gt; 0 ? dL/dy : 0
 * leakyRelu(alpha)  y = max(v, alpha * v)          dL/dv = v &gt; 0 ? dL/dy : alpha * dL/dy
 * </pre>
 *
 * The backward pass finds each element's side of the kink from x and a per-channel threshold, the x at which the
 * forward pass's rounded {@code v} turns positive, so the two passes agree on every element's side. The statistics
 * are those of x: the activation changes none of them. Immutable.
 */
public final class Activation {
    /** No activation: plain batch normalization. */
    public static final Activation IDENTITY = new Activation(Double.NaN);
    /** {@code max(v, 0)}. */
    public static final Activation RELU = new Activation(0);

    /** Negative slope: 0 for ReLU, alpha for leaky ReLU; NaN for identity. */
    private final double slope;

    private Activation(double slope) {
        this.slope = slope;
    }

    /**
     * @param alpha the slope below zero, in [0, 1): {@code max(v, alpha * v)} is leaky ReLU only there; 0 gives
     *              {@link #RELU}
     * @throws IllegalArgumentException if alpha is outside [0, 1)
     */
    public static Activation leakyRelu(double alpha) {
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("the leaky ReLU slope must be in [0, 1), got " + alpha);
        }
        return alpha == 0 ? RELU : new Activation(alpha);
    }

    /** @return true for {@link #IDENTITY} */
    public boolean isIdentity() {
        return Double.isNaN(slope);
    }

    /** @return the slope below zero: 0 for ReLU, alpha for leaky ReLU, 1 for identity */
    public double negativeSlope() {
        return isIdentity() ? 1 : slope;
    }

    /** @return the activation of one normalized value */
    public double apply(double v) {
        return isIdentity() ? v : LeakyRelu.activated(v, slope);
    }

    /** @return {@code dL/dv} from {@code dL/dy} at the normalized value v */
    public double gradient(double v, double dy) {
        return isIdentity() ? dy : LeakyRelu.gated(v, dy, slope);
    }

    /** @return the slope the kernels take: {@link Kernel#IDENTITY} for identity */
    double kernelSlope() {
        return slope;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Activation a && Double.compare(slope, a.slope) == 0;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(slope);
    }

    @Override
    public String toString() {
        return isIdentity() ? "IDENTITY" : slope == 0 ? "RELU" : "LEAKY_RELU(" + slope + ")";
    }
}
