package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A training step of the Inception-style network (32x32, batch 32) with each ReLU after a BN layer as a separate
 * {@code ActivationLayer} ({@code separate}) and applied in bn4j's BN ({@code fused}), the two networks stepped in
 * turns in one fork, the order alternating from turn to turn, as {@link ActivationTurnsBenchmark} does for one layer:
 * forks of one network each, minutes apart, differed by more than the two networks do. Both networks train on the same
 * batch. JMH's score is one turn; each network's time in {@link Times}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class InceptionTurnsBenchmark {
    /** The networks by index, as {@link NetworkStepBenchmark#impl} names their BN; {@link Times} has a field each. */
    static final String[] ORDER = {"separate", "fused"};

    private ComputationGraph[] graphs;
    private DataSet batch;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        graphs = new ComputationGraph[] {NetworkStepBenchmark.inception("bn4j"),
                NetworkStepBenchmark.inception("bn4j-fused")};
        batch = NetworkStepBenchmark.inceptionBatch();
    }

    @Benchmark
    public void turn(Times times) {
        final long turn = times.turns++;
        for (int k = 0; k < graphs.length; k++) {
            final int v = (int) ((turn + k) % graphs.length);
            final long start = System.nanoTime();
            graphs[v].fit(batch);
            times.add(v, System.nanoTime() - start);
        }
    }

    /** Nanoseconds in each network's steps, and the turns: a network's time per step is its field over turns. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long turns;
        public long separate;
        public long fused;

        @Setup(Level.Iteration)
        public void reset() {
            turns = 0;
            separate = 0;
            fused = 0;
        }

        void add(int network, long nanos) {
            if (network == 0) {
                separate += nanos;
            } else {
                fused += nanos;
            }
        }
    }
}
