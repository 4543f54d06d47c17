package org.bn4j.bench;

import java.util.concurrent.TimeUnit;
import org.bn4j.examples.nets.BatchNormImpl;
import org.bn4j.examples.nets.MnistMlp;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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

/**
 * One SGD step of the paper's MNIST network (784-100x3-10 sigmoid, batch 60), with bn4j's BN after each hidden
 * layer or without BN, on one ND4J thread: the per-call cost of BN on small tensors inside a real training step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MlpStepBenchmark {
    /** {@code bn4j}, {@code builtin} or {@code none}. */
    @Param({"bn4j"})
    public String impl;

    private MultiLayerNetwork net;
    private DataSet batch;

    @Setup(Level.Trial)
    public void setUp() {
        ForkJvm.checkThisFork();
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        // One ND4J and OpenBLAS thread, as `bn4j mnist` trains this network: on 2 cores, OpenMP's threads wait on
        // each other around every small op of a batch-60 step. Both counts are per calling thread; JMH sets up and
        // runs this state on the same one.
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        BatchNormImpl bn = switch (impl) {
            case "bn4j" -> BatchNormImpl.BN4J;
            case "builtin" -> BatchNormImpl.BUILTIN;
            default -> null;
        };
        net = MnistMlp.build(bn, 0.5, 0.1, 1502);
        batch = new DataSet(Nd4j.rand(DataType.FLOAT, 60, 784), Nd4j.eye(10).castTo(DataType.FLOAT)
                .getRows(0, 1, 2, 3, 4, 5, 6, 7, 8, 9).repeat(0, 6).reshape(60, 10));
    }

    @Benchmark
    public MultiLayerNetwork step() {
        net.fit(batch);
        return net;
    }
}
