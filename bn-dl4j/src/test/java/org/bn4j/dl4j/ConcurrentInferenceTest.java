package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelInference;
import org.deeplearning4j.parallelism.inference.InferenceMode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Eight threads, a thousand inference calls each, on one trained network (plain {@code output}, which DL4J
 * synchronizes) or through {@link ParallelInference}: every output is bitwise the single-threaded one, and the
 * parameters and running statistics do not change.
 */
@Tag("slow")
class ConcurrentInferenceTest {
    static final int THREADS = 8;
    static final int CALLS = 1000;
    static final int INPUTS = 16;

    private static MultiLayerNetwork net;
    private static final List<INDArray> inputs = new ArrayList<>();
    private static final List<float[]> expected = new ArrayList<>();

    @BeforeAll
    static void trainedNetworkAndSingleThreadedOutputs() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        InputKind kind = InputKind.CNN_NHWC;
        net = Networks.multiLayer(kind, new BatchNorm.Builder().build(), DataType.FLOAT, new Adam(0.05));
        for (int step = 0; step < 5; step++) {
            net.fit(kind.features(DataType.FLOAT, step), kind.labels(DataType.FLOAT, step));
        }
        for (int i = 0; i < INPUTS; i++) {
            INDArray x = kind.features(DataType.FLOAT, 100 + i);
            inputs.add(x);
            expected.add(net.output(x).dup().data().asFloat());
        }
    }

    private static void everyCallGivesTheSingleThreadedOutput(Function<INDArray, INDArray> output) throws Exception {
        float[] params = net.params().toFloatVector();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int call = 0; call < CALLS; call++) {
                        int i = (thread * 7 + call) % INPUTS;
                        assertArrayEquals(expected.get(i), output.apply(inputs.get(i)).dup().data().asFloat(),
                                "thread " + thread + ", call " + call + ", input " + i);
                    }
                    return CALLS;
                }));
            }
            int calls = 0;
            for (Future<Integer> f : done) {
                calls += f.get();
            }
            assertEquals(THREADS * CALLS, calls);
        } finally {
            pool.shutdownNow();
        }
        assertArrayEquals(params, net.params().toFloatVector(), "inference changed parameters or running statistics");
    }

    @Test
    void plainOutputCallsFromEightThreadsMatchTheSingleThreadedRun() throws Exception {
        everyCallGivesTheSingleThreadedOutput(x -> net.output(x));
    }

    @Test
    void parallelInferenceMatchesTheSingleThreadedRun() throws Exception {
        ParallelInference inference = new ParallelInference.Builder(net).inferenceMode(InferenceMode.SEQUENTIAL)
                .workers(2).build();
        try {
            everyCallGivesTheSingleThreadedOutput(inference::output);
        } finally {
            inference.shutdown();
        }
    }
}
