package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.BatchNormConfig;
import org.bn4j.core.BatchStats;
import org.bn4j.core.Values;
import org.bn4j.core.Parallelism;
import org.bn4j.core.RunningStats;
import org.bn4j.core.Shape;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
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
 * One BN layer on one float activation tensor: bn4j's layer, DL4J's built-in layer, or bn-core alone on Java arrays
 * ({@code core}) or on off-heap memory ({@code direct}, as the layer hands it ND4J's).
 * Layers are called as DL4J's networks call them in training, inside a workspace that is reused from one call to the
 * next, so what is measured is the computation, not memory allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class BatchNormBenchmark {
    @Param({"NCHW:32,64,56,56"})
    public String shape;

    /** {@code bn4j}, {@code builtin}, {@code core} or {@code direct}. */
    @Param({"bn4j"})
    public String impl;

    /** bn-core's threads (the layer uses every processor). */
    @Param({"2"})
    public int threads;

    private Layer layer;
    private LayerWorkspaceMgr workspaces;
    private INDArray x;
    private INDArray dy;

    private BatchNormalizer core;
    private Shape coreShape;
    private Values xs;
    private Values dys;
    private float[] out;
    private Values outs;
    private Values xd;
    private Values dyd;
    private Values outd;
    private double[] gamma;
    private double[] beta;
    private BatchStats saved;
    private RunningStats running;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        BenchShape s = BenchShape.parse(shape);
        if (impl.equals("core")) {
            coreShape = s.shape();
            core = new BatchNormalizer(BatchNormConfig.defaults(), Parallelism.threads(threads));
            xs = Values.of(random(coreShape.size(), 1));
            dys = Values.of(random(coreShape.size(), 2));
            out = new float[coreShape.size()];
            outs = Values.of(out);
            gamma = new double[coreShape.channels()];
            beta = new double[coreShape.channels()];
            java.util.Arrays.fill(gamma, 1.0);
            saved = core.forwardTraining(xs, coreShape, gamma, beta, null, outs);
            running = RunningStats.initial(coreShape.channels());
            return;
        }
        if (impl.equals("direct")) {
            coreShape = s.shape();
            core = new BatchNormalizer(BatchNormConfig.defaults(), Parallelism.threads(threads));
            xd = direct(random(coreShape.size(), 1));
            dyd = direct(random(coreShape.size(), 2));
            outd = direct(new float[coreShape.size()]);
            gamma = new double[coreShape.channels()];
            beta = new double[coreShape.channels()];
            java.util.Arrays.fill(gamma, 1.0);
            running = RunningStats.initial(coreShape.channels());
            return;
        }
        org.deeplearning4j.nn.conf.layers.Layer conf = impl.equals("builtin") ? new BatchNormalization.Builder().build()
                : new BatchNorm.Builder().build();
        MultiLayerNetwork net = new MultiLayerNetwork(
                new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT).list()
                        .layer(conf).setInputType(s.inputType()).build());
        net.init();
        net.initGradientsView();
        layer = net.getLayer(0);
        x = Nd4j.create(random(s.shape().size(), 1), s.longDims(), 'c');
        dy = Nd4j.create(random(s.shape().size(), 2), s.longDims(), 'c');
        workspaces = reusedWorkspace();
    }

    /** @return one workspace for every array type, sized by the first call and reused from then on */
    static LayerWorkspaceMgr reusedWorkspace() {
        WorkspaceConfiguration reuse = WorkspaceConfiguration.builder().initialSize(0).overallocationLimit(0.05)
                .policyLearning(LearningPolicy.FIRST_LOOP).policyAllocation(AllocationPolicy.OVERALLOCATE).build();
        return LayerWorkspaceMgr.builder().defaultWorkspace("BN_BENCH", reuse).build();
    }

    static Values direct(float[] values) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocateDirect(values.length * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder());
        bytes.asFloatBuffer().put(values);
        return Values.ofDirectFloats(bytes);
    }

    static float[] random(int n, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble(-2, 3);
        }
        return a;
    }

    @Benchmark
    public void forwardTraining(Blackhole bh) {
        if (xd != null) {
            bh.consume(core.forwardTraining(xd, coreShape, gamma, beta, null, outd));
            return;
        }
        if (core != null) {
            bh.consume(core.forwardTraining(xs, coreShape, gamma, beta, null, outs));
            return;
        }
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            bh.consume(layer.activate(x, true, workspaces));
        }
    }

    @Benchmark
    public void forwardBackward(Blackhole bh) {
        if (xd != null) {
            BatchStats stats = core.forwardTraining(xd, coreShape, gamma, beta, null, outd);
            bh.consume(core.backward(xd, dyd, coreShape, gamma, beta, stats, outd));
            return;
        }
        if (core != null) {
            BatchStats stats = core.forwardTraining(xs, coreShape, gamma, beta, null, outs);
            bh.consume(core.backward(xs, dys, coreShape, gamma, beta, stats, outs));
            return;
        }
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            bh.consume(layer.activate(x, true, workspaces));
            bh.consume(layer.backpropGradient(dy, workspaces));
        }
    }

    @Benchmark
    public void inference(Blackhole bh) {
        if (xd != null) {
            bh.consume(core.forwardInference(xd, coreShape, gamma, beta, running, outd));
            return;
        }
        if (core != null) {
            core.forwardInference(xs, coreShape, gamma, beta, running, outs);
            bh.consume(out);
            return;
        }
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            bh.consume(layer.activate(x, false, workspaces));
        }
    }
}
