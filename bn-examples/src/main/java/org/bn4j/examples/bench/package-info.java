/**
 * JMH benchmarks: BN layers and bn-core against DL4J's built-in layer, a memory-bandwidth probe, whole training
 * steps, and inference with BN folded ({@code --fold}). Run with {@code mvn -B -q -pl bn-examples exec:exec@bench};
 * never part of the unit tests.
 */
package org.bn4j.examples.bench;
