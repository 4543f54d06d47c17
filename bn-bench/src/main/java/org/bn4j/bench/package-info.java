/**
 * JMH benchmarks, in a module of their own that nothing ships or depends on: BN layers and bn-core against DL4J's
 * built-in layer, PyTorch's CPU kernel ({@link org.bn4j.bench.PyTorchPeer}), a memory-bandwidth probe, every shape in
 * one JVM ({@link org.bn4j.bench.NetworkShapesBenchmark}), whole training steps, and inference with BN folded
 * ({@code --fold}); forks with or without the Vector API and a fixed heap ({@link org.bn4j.bench.ForkJvm}). Beside them
 * a probe of the fused ReLU's cost in one JVM ({@link org.bn4j.bench.FusedActivationProbe}). Run with
 * {@code mvn -B -q -pl bn-bench exec:exec@bench} after {@code mvn -B -q -DskipTests install}; never part of the unit
 * tests.
 */
package org.bn4j.bench;
