package org.bn4j.core.kernel;

/**
 * What the backward pass's loops need to apply an activation's gradient to dy: the forward pass's coefficients
 * as its loops used them ({@link Kernel#narrow}, {@link Kernel#residual}), to recompute each normalized value
 * {@code v = ((x - hi) - lo) * scale + shift} exactly, and the activation's slope below zero.
 *
 * @param slope 0 for ReLU, alpha for leaky ReLU
 */
public record ActivationGate<A>(A hi, A lo, A scale, A shift, double slope) {
}
