package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bn4j.core.Activation;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.Values;
import org.bn4j.core.Parallelism;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * BN followed by ReLU on one float activation tensor, each way in forks of its own, as {@link BatchNormBenchmark}
 * calls layers: the {@link ActivationVariant}s {@code bn} (the baseline), {@code fused} and {@code separate}, and
 * {@code direct} and {@code direct-fused}, bn-core alone on off-heap memory without and with the fused ReLU.
 * {@link ActivationTurnsBenchmark} calls the three layers in turns in one fork, for their ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ActivationBenchmark {
    static final String[] IMPLS = {"bn", "fused", "separate", "direct", "direct-fused"};

    @Param({"NCHW:32,64,56,56"})
    public String shape;

    @Param({"fused"})
    public String impl;

    /** bn-core's threads for {@code direct} and {@code direct-fused} (the layer uses every processor). */
    @Param({"2"})
    public int threads;

    /** The layers; null for {@code direct} and {@code direct-fused}. */
    private ActivationVariant layers;
    private INDArray x;
    private INDArray dy;

    private BatchNormalizer core;
    private Shape coreShape;
    private Values xd;
    private Values dyd;
    private Values outd;
    private double[] gamma;
    private double[] beta;
    private RunningStats running;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        BenchShape s = BenchShape.parse(shape);
        if (impl.startsWith("direct")) {
            coreShape = s.shape();
            Activation act = impl.equals("direct-fused") ? Activation.RELU : Activation.IDENTITY;
            core = new BatchNormalizer(BatchNormConfig.builder().activation(act).build(), Parallelism.threads(threads));
            xd = direct(coreShape.size(), 1);
            dyd = direct(coreShape.size(), 2);
            outd = direct(coreShape.size(), 3);
            gamma = new double[coreShape.channels()];
            beta = new double[coreShape.channels()];
            java.util.Arrays.fill(gamma, 1.0);
            running = RunningStats.initial(coreShape.channels());
            return;
        }
        layers = new ActivationVariant(impl, s, "BN_ACT_BENCH");
        x = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 1), s.longDims(), 'c');
        dy = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 2), s.longDims(), 'c');
    }

    private static Values direct(int n, long seed) {
        return BatchNormBenchmark.direct(BatchNormBenchmark.random(n, seed));
    }

    @Benchmark
    public void forwardBackward(Blackhole bh) {
        if (core != null) {
            BatchStats stats = core.forwardTraining(xd, coreShape, gamma, beta, null, outd);
            bh.consume(core.backward(xd, dyd, coreShape, gamma, beta, stats, outd));
            return;
        }
        layers.forwardBackward(x, dy, bh);
    }

    @Benchmark
    public void inference(Blackhole bh) {
        if (core != null) {
            bh.consume(core.forwardInference(xd, coreShape, gamma, beta, running, outd));
            return;
        }
        layers.inference(x, bh);
    }
}
