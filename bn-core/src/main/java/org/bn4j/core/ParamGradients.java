package org.bn4j.core;

/**
 * Gradients of the loss with respect to gamma and beta, per channel, from
 * {@link BatchNorm#backward(float[], float[], Shape, double[], BatchStats, float[]) backward}.
 * Computed even when gamma and beta are locked (they are by-products of the input gradient); the caller
 * decides whether to apply them. The arrays are fresh and owned by the caller.
 *
 * @param dGamma {@code sum(dy * xHat)} per channel, length {@code C}
 * @param dBeta  {@code sum(dy)} per channel, length {@code C}
 */
public record ParamGradients(double[] dGamma, double[] dBeta) {
}
