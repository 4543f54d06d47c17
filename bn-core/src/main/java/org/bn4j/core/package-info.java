/**
 * Batch normalization math in plain Java, with no dependency on DL4J or ND4J: the API of bn-core, the one package
 * its module exports.
 *
 * <p>{@link org.bn4j.core.BatchNormalizer} is the entry point, one method per operation over
 * {@link org.bn4j.core.Values} (values in arrays, buffers or off-heap memory) of a {@link org.bn4j.core.Shape} and
 * {@link org.bn4j.core.Layout}, configured by {@link org.bn4j.core.BatchNormConfig}; it returns the value types
 * {@link org.bn4j.core.BatchStats}, {@link org.bn4j.core.ParamGradients} and keeps state in the immutable
 * {@link org.bn4j.core.RunningStats}. {@link org.bn4j.core.SplitBatchNormalizer} splits a batch across workers and
 * {@link org.bn4j.core.PopulationStats} accumulates population statistics over many batches.
 *
 * <p>Below it, in layers that depend only downwards: {@code org.bn4j.core.kernel} (the passes of each layout),
 * {@code org.bn4j.core.loops} (the inner loops, with and without the Vector API) and {@code org.bn4j.core.storage}
 * (values in some storage). They are internal: not exported by the module, and not supported for use from outside.
 */
package org.bn4j.core;
