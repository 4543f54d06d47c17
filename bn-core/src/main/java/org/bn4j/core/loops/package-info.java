/**
 * Internal: the inner loops over one segment or tile of values, chosen once per JVM by
 * {@link org.bn4j.core.loops.Loops#CHOSEN}: in plain Java ({@code ScalarLoops}) or with the incubating Vector API
 * ({@code VectorLoops}). The float vector loops are written once ({@code FloatVectorLoops}) over the memory-access
 * methods of {@code FloatArrayMemory}, and compiled a second time over {@code OffHeapFloatMemory}, the shim that
 * reaches off-heap memory on every JDK, as {@code DirectFloatVectorLoops}. Depends on {@code org.bn4j.core.storage}
 * only. Not exported; any use from outside bn-core is not supported.
 */
package org.bn4j.core.loops;
