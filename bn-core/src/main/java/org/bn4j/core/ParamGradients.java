package org.bn4j.core;

/**
 * Gradients of the loss with respect to gamma and beta, per channel, from
 * {@link BatchNormalizer#backward backward}.
 * Computed even when gamma and beta are locked (they are by-products of the input gradient); the caller
 * decides whether to apply them. The arrays are fresh and owned by the caller.
 *
 * <p>With them comes a bound on the input gradient the same call wrote, so that a caller storing dx in a narrower
 * type can tell, without another pass over it, that no value overflows.
 *
 * @param dGamma             {@code sum(dy * xHat)} per channel, length {@code C}
 * @param dBeta              {@code sum(dy)} per channel, length {@code C}
 * @param inputGradientBound an upper bound on {@code |dx|} and on every intermediate of computing it, over all values
 *                           (from Cauchy-Schwarz: {@code max|dy| <= sqrt(sum(dy^2))}); +infinity where no bound is
 *                           known, NaN when the sums are not finite. Rounding to the element type can exceed it by a
 *                           few units in the last place.
 */
public record ParamGradients(double[] dGamma, double[] dBeta, double inputGradientBound) {
}
