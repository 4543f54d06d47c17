package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bn4j.dl4j.BatchNormFolding;
import org.bn4j.examples.data.Shapes;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.InceptionNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.model.ResNet50;
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

/** Inference of a whole network as trained, and with its BN layers folded by {@link BatchNormFolding}. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FoldBenchmark {
    /**
     * {@code inception} (the examples' network with bn4j's BN, 32x32, batch 32) or {@code resnet50} (zoo, with DL4J's
     * built-in BN, 224x224, batch 1).
     */
    @Param({"inception"})
    public String net;

    /** {@code original} or {@code folded}. */
    @Param({"original"})
    public String impl;

    private ComputationGraph graph;
    private INDArray input;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        if (net.equals("inception")) {
            graph = InceptionNet.build(InceptionNet.FIGURE_3.get(2), BatchNormImpl.BN4J, 3, 32, Shapes.CLASSES.length,
                    new InceptionNet.Training(0.01, 1e-4, 1000, 1));
            input = Shapes.generate(32, 32, 1, 1).train().getFeatures();
        } else {
            graph = (ComputationGraph) ResNet50.builder().numClasses(10).build().init();
            input = Nd4j.rand(DataType.FLOAT, 1, 3, 224, 224);
        }
        if (impl.equals("folded")) {
            graph = BatchNormFolding.fold(graph);
        }
    }

    @Benchmark
    public INDArray output() {
        return graph.outputSingle(false, input);
    }
}
