/**
 * Internal: the passes of batch normalization for each layout family ({@code PlanarKernel} for channels-first
 * planes, {@code RowKernel} for channels-last rows), the {@link org.bn4j.core.kernel.Passes} that run their blocks
 * on threads and merge the partial results in a fixed order, and the merging of moments. Depends on
 * {@code org.bn4j.core.loops} and {@code org.bn4j.core.storage} only. Not exported; any use from outside bn-core is
 * not supported.
 */
package org.bn4j.core.kernel;
