package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * bn4j's layer without and with the fused ReLU ({@link ActivationVariant}s {@code bn} and {@code fused}) in turns in
 * one fork, call by call, the order alternating from turn to turn: a shared machine's drift falls on the two alike, so
 * that their ratio holds from fork to fork, where {@link ActivationBenchmark}'s forks of one variant each, minutes
 * apart, differ by a half on this project's machines. The ratio decides both goals of the fused activation: at most
 * 1.1, and saving at least the cost of DL4J's ActivationLayer, which is the ratio at most 1 (the layer's cost is
 * separate minus bn; what fusing saves, separate minus fused). The separate layers stay out of the turns: after
 * ND4J's ops its threads spin on, and the next call's time swung by a factor of three. The variants read the same x
 * and dy and share one workspace. JMH's score is one turn; each variant's time in {@link Times}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ActivationTurnsBenchmark {
    @Param({"NCHW:32,64,56,56"})
    public String shape;

    /** {@code forwardBackward} or {@code inference}. */
    @Param({"forwardBackward"})
    public String pass;

    /** The variants by index; {@link Times} has a field of each name. */
    static final String[] ORDER = {"bn", "fused"};

    private ActivationVariant[] variants;
    private INDArray x;
    private INDArray dy;
    private boolean backward;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        BenchShape s = BenchShape.parse(shape);
        if (!pass.equals("forwardBackward") && !pass.equals("inference")) {
            throw new IllegalArgumentException("no such pass: " + pass + "; forwardBackward or inference");
        }
        backward = pass.equals("forwardBackward");
        x = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 1), s.longDims(), 'c');
        dy = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 2), s.longDims(), 'c');
        variants = new ActivationVariant[ORDER.length];
        for (int v = 0; v < variants.length; v++) {
            variants[v] = new ActivationVariant(ORDER[v], s, "BN_ACT_TURNS");
        }
    }

    @Benchmark
    public void turn(Times times, Blackhole bh) {
        final long turn = times.turns++;
        for (int k = 0; k < variants.length; k++) {
            final int v = (int) ((turn + k) % variants.length);
            final long start = System.nanoTime();
            if (backward) {
                variants[v].forwardBackward(x, dy, bh);
            } else {
                variants[v].inference(x, bh);
            }
            times.add(v, System.nanoTime() - start);
        }
    }

    /** Nanoseconds in each variant's calls, and the turns: a variant's time per call is its field over turns. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Times {
        public long turns;
        public long bn;
        public long fused;

        @Setup(Level.Iteration)
        public void reset() {
            turns = 0;
            bn = 0;
            fused = 0;
        }

        void add(int variant, long nanos) {
            if (variant == 0) {
                bn += nanos;
            } else {
                fused += nanos;
            }
        }
    }
}
