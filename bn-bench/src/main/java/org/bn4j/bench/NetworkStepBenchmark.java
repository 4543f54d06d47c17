package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bn4j.dl4j.BatchNormSwap;
import org.bn4j.examples.data.Shapes;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.InceptionNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.model.ResNet50;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
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

/** One training step of a whole network with bn4j's BN layers or DL4J's. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class NetworkStepBenchmark {
    /** {@code inception} (the examples' network, 32x32, batch 32) or {@code resnet50} (zoo, 224x224, batch 2). */
    @Param({"inception"})
    public String net;

    /**
     * {@code bn4j}, {@code builtin}, or {@code bn4j-fused}: bn4j's BN applying the ReLU that follows it (Inception
     * only), where the others have a separate {@code ActivationLayer}.
     */
    @Param({"bn4j"})
    public String impl;

    private ComputationGraph graph;
    private DataSet batch;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        BatchNormImpl bn = impl.equals("builtin") ? BatchNormImpl.BUILTIN : BatchNormImpl.BN4J;
        if (net.equals("inception")) {
            graph = inception(impl);
            batch = inceptionBatch();
        } else {
            ComputationGraph resnet = (ComputationGraph) ResNet50.builder().numClasses(10).build().init();
            graph = bn == BatchNormImpl.BUILTIN ? resnet : BatchNormSwap.replaceBuiltIn(resnet);
            batch = new DataSet(Nd4j.rand(DataType.FLOAT, 2, 3, 224, 224),
                    Nd4j.eye(10).castTo(DataType.FLOAT).getRows(0, 1));
        }
    }

    /** @return the Inception-style network (32x32, batch 32) with {@code impl}'s BN layers, as {@link #impl} */
    static ComputationGraph inception(String impl) {
        InceptionNet.Training training = new InceptionNet.Training(0.01, 1e-4, 1000, 1);
        return impl.equals("bn4j-fused")
                ? InceptionNet.buildWithActivationInBatchNorm(InceptionNet.FIGURE_3.get(2), 3, 32,
                        Shapes.CLASSES.length, training)
                : InceptionNet.build(InceptionNet.FIGURE_3.get(2),
                        impl.equals("builtin") ? BatchNormImpl.BUILTIN : BatchNormImpl.BN4J, 3, 32,
                        Shapes.CLASSES.length, training);
    }

    /** @return one training batch of the Inception-style network: 32 generated 32x32 images */
    static DataSet inceptionBatch() {
        return Shapes.generate(32, 32, 1, 1).train();
    }

    @Benchmark
    public ComputationGraph step() {
        graph.fit(batch);
        return graph;
    }
}
