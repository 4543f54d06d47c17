/**
 * Internal: the inner loops over one segment or tile of values, in plain Java ({@code ScalarLoops}) or with the
 * incubating Vector API ({@code VectorLoops} for arrays, {@code DirectVectorLoops} for off-heap memory, with the
 * shim that reaches that memory on every JDK), chosen once per JVM by {@link org.bn4j.core.loops.Loops#CHOSEN}.
 * Depends on {@code org.bn4j.core.storage} only. Not exported; any use from outside bn-core is not supported.
 */
package org.bn4j.core.loops;
