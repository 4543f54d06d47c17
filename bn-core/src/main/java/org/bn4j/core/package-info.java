/**
 * Batch normalization math in plain Java, with no dependency on DL4J or ND4J.
 *
 * <p>Public API: {@link org.bn4j.core.BatchNormalizer} (the entry point), {@link org.bn4j.core.BatchNormConfig},
 * {@link org.bn4j.core.Shape} and {@link org.bn4j.core.Layout}, and the value types
 * {@link org.bn4j.core.BatchStats}, {@link org.bn4j.core.RunningStats}, {@link org.bn4j.core.ParamGradients}.
 * Kernels ({@code PlanarKernel}, {@code RowKernel}) and their driver ({@code Passes}) are package-private.
 */
package org.bn4j.core;
