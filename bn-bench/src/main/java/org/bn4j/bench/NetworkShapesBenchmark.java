package org.bn4j.bench;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
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
 * bn4j's layer on every benchmark shape in one JVM, as a network calls its BN layers. Each operation runs, shape after
 * shape, another DL4J layer with that output shape (a 1x1 convolution, a dense layer, a width-1 1D convolution, no
 * bias) and bn4j's layer on its output; for {@code forwardBackward} it then goes back through the shapes in reverse
 * order, BN's backward pass before the other layer's, as backpropagation does. One reused workspace holds every array,
 * as in {@link BatchNormBenchmark}, whose passes these are. JMH's score is the whole operation; each shape's BN time
 * per call is in {@link BnTimes}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NetworkShapesBenchmark {
    /** The shapes, separated by spaces, in the order each operation visits them; each has a {@link BnTimes} field. */
    @Param({"NCHW:32x64x56x56 NCHW:64x128x28x28 NHWC:32x56x56x64 NC:60x100 NC:256x1024 NCHW:32x16x8x8 NCW:32x128x50"})
    public String shapes;

    /** {@code forwardTraining}, {@code forwardBackward} or {@code inference}. */
    @Param({"forwardBackward"})
    public String pass;

    private final List<Stage> stages = new ArrayList<>();
    private LayerWorkspaceMgr workspaces;

    /** One shape: the layer before BN, BN, the other layer's input and BN's output gradient. */
    private record Stage(Layer before, Layer bn, INDArray x, INDArray dy, Field time) {
    }

    @Setup(Level.Trial)
    public void setUp() throws NoSuchFieldException {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        for (String shape : shapes.trim().split("\\s+")) {
            BenchShape s = BenchShape.parse(shape);
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                    .list().layer(layerBefore(s)).layer(new BatchNorm.Builder().build()).setInputType(s.inputType())
                    .build());
            net.init();
            net.initGradientsView();
            int size = s.shape().size();
            stages.add(new Stage(net.getLayer(0), net.getLayer(1),
                    Nd4j.create(BatchNormBenchmark.random(size, 1), s.longDims(), 'c'),
                    Nd4j.create(BatchNormBenchmark.random(size, 2), s.longDims(), 'c'),
                    BnTimes.class.getField(BnTimes.counter(shape))));
        }
        workspaces = BatchNormBenchmark.reusedWorkspace();
    }

    /** @return a DL4J layer whose output has the shape's size and layout, given an input of that shape */
    private static org.deeplearning4j.nn.conf.layers.Layer layerBefore(BenchShape s) {
        int channels = s.shape().channels();
        return switch (s.layout()) {
            case NC -> new DenseLayer.Builder().nOut(channels).hasBias(false).activation(Activation.IDENTITY).build();
            case NCW, NWC -> new Convolution1DLayer.Builder(1).nOut(channels).hasBias(false)
                    .activation(Activation.IDENTITY).build();
            default -> new ConvolutionLayer.Builder(1, 1).nOut(channels).convolutionMode(ConvolutionMode.Same)
                    .hasBias(false).activation(Activation.IDENTITY).build();
        };
    }

    @Benchmark
    public void interleaved(BnTimes times, Blackhole bh) {
        boolean training = !pass.equals("inference");
        try (MemoryWorkspace ws = workspaces.notifyScopeEntered(ArrayType.ACTIVATIONS)) {
            for (Stage stage : stages) {
                INDArray in = stage.before().activate(stage.x(), training, workspaces);
                long start = System.nanoTime();
                INDArray out = stage.bn().activate(in, training, workspaces);
                times.add(stage.time(), System.nanoTime() - start);
                bh.consume(out);
            }
            if (pass.equals("forwardBackward")) {
                for (int i = stages.size() - 1; i >= 0; i--) {
                    Stage stage = stages.get(i);
                    long start = System.nanoTime();
                    Pair<Gradient, INDArray> back = stage.bn().backpropGradient(stage.dy(), workspaces);
                    times.add(stage.time(), System.nanoTime() - start);
                    bh.consume(stage.before().backpropGradient(back.getSecond(), workspaces));
                }
            }
        }
        times.operations++;
    }

    /**
     * BN's nanoseconds per shape within one iteration, and the iteration's operations. JMH reports every public field
     * (auxiliary counters of type EVENTS: summed over the measured iterations), so a shape's time per call is its
     * field divided by {@code operations}. Field names are {@link #counter(String)} of the shapes.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class BnTimes {
        public long operations;
        public long nchw_32_64_56_56;
        public long nchw_64_128_28_28;
        public long nhwc_32_56_56_64;
        public long nc_60_100;
        public long nc_256_1024;
        public long nchw_32_16_8_8;
        public long ncw_32_128_50;

        /** @return the counter of a shape written either way {@link BenchShape#parse} takes: {@code nchw_32_64_56_56} */
        static String counter(String shape) {
            return BenchShape.parse(shape).name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        }

        @Setup(Level.Iteration)
        public void reset() throws IllegalAccessException {
            for (Field f : BnTimes.class.getFields()) {
                f.setLong(this, 0);
            }
        }

        void add(Field counter, long nanos) {
            try {
                counter.setLong(this, counter.getLong(this) + nanos);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
