package org.bn4j.core.kernel;

/**
 * What the backward pass's loops need to apply an activation's gradient to dy: per channel, the gate is open, and dy
 * passes, where {@code sign * x > threshold}, which is where the forward pass's normalized value was above zero (see
 * {@link org.bn4j.core.loops.GateThreshold}); where it is closed, dy is multiplied by the activation's slope below zero.
 * Laid out as the kernel's loops index per-channel coefficients ({@link Kernel#narrow}).
 *
 * @param sign  1, or -1 where the forward pass's scale is negative
 * @param slope 0 for ReLU, alpha for leaky ReLU
 */
public record ActivationGate<A>(A sign, A threshold, double slope) {
}
