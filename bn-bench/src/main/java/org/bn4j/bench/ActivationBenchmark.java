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
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
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
 * BN followed by ReLU on one float activation tensor, three ways, as {@link BatchNormBenchmark} calls layers:
 * {@code bn} (bn4j's layer alone, no activation: the baseline), {@code fused} (bn4j's layer with ReLU, applied in
 * bn-core's passes) and {@code separate} (bn4j's layer, then DL4J's {@code ActivationLayer} with ReLU). {@code direct}
 * and {@code direct-fused} are bn-core alone on off-heap memory, without and with the fused ReLU.
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

    private Layer bn;
    /** DL4J's ReLU layer after {@link #bn}; null unless {@code separate}. */
    private Layer relu;
    private LayerWorkspaceMgr workspaces;
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
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                .layer(impl.equals("fused") ? new BatchNorm.Builder().activation(
                        org.nd4j.linalg.activations.Activation.RELU).build() : new BatchNorm.Builder().build());
        if (impl.equals("separate")) {
            list.layer(new ActivationLayer.Builder().activation(org.nd4j.linalg.activations.Activation.RELU).build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(s.inputType()).build());
        net.init();
        net.initGradientsView();
        bn = net.getLayer(0);
        relu = impl.equals("separate") ? net.getLayer(1) : null;
        x = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 1), s.longDims(), 'c');
        dy = Nd4j.create(BatchNormBenchmark.random(s.shape().size(), 2), s.longDims(), 'c');
        WorkspaceConfiguration reuse = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE).build();
        workspaces = LayerWorkspaceMgr.builder().defaultWorkspace("BN_ACT_BENCH", reuse).build();
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
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            INDArray y = bn.activate(x, true, workspaces);
            if (relu == null) {
                bh.consume(y);
                bh.consume(bn.backpropGradient(dy, workspaces));
            } else {
                bh.consume(relu.activate(y, true, workspaces));
                bh.consume(bn.backpropGradient(relu.backpropGradient(dy, workspaces).getSecond(), workspaces));
            }
        }
    }

    @Benchmark
    public void inference(Blackhole bh) {
        if (core != null) {
            bh.consume(core.forwardInference(xd, coreShape, gamma, beta, running, outd));
            return;
        }
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            INDArray y = bn.activate(x, false, workspaces);
            bh.consume(relu == null ? y : relu.activate(y, false, workspaces));
        }
    }
}
