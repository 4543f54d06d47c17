package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.parallelism.ParallelWrapper.TrainingMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Every path of the layer and its tools reaches ND4J memory as DL4J's GPU backend needs: each array brought to the
 * host before its memory is read or written, and marked written after the host wrote it and before ND4J next uses
 * it (see {@link HostMemory}). No GPU here: {@link HostAccessRecorder} models the backend's buffers on the CPU one.
 */
class HostAccessOrderTest {
    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static MultiLayerNetwork network(InputKind kind, BatchNorm.Builder bn, DataType type,
                                             WorkspaceMode workspaces) {
        return Networks.multiLayer(kind, bn.build(), type, new Adam(0.01), workspaces);
    }

    /** Two training steps and an inference pass: forward in both modes, backward, parameter and gradient views. */
    private static void trainAndInfer(MultiLayerNetwork net, InputKind kind, DataType type) {
        for (int step = 0; step < 2; step++) {
            net.fit(kind.features(type, step), kind.labels(type, step));
        }
        net.output(kind.features(type, 9));
    }

    private static Arguments path(String name, Runnable run) {
        return Arguments.of(name, run);
    }

    static Stream<Arguments> paths() {
        List<Arguments> paths = new ArrayList<>();
        for (InputKind kind : InputKind.values()) {
            for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
                paths.add(path("training and inference, " + kind + ", " + type, () -> trainAndInfer(
                        network(kind, new BatchNorm.Builder(), type, WorkspaceMode.ENABLED), kind, type)));
            }
        }
        InputKind ff = InputKind.FEED_FORWARD;
        paths.add(path("half-precision network (results assigned from a float temporary)", () -> {
            Nd4j.setDefaultDataTypes(DataType.HALF, DataType.HALF);
            InputKind kind = InputKind.CNN_NCHW;
            MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().build(), DataType.HALF,
                    new Sgd(0.1));
            net.fit(kind.features(DataType.HALF, 1), kind.labels(DataType.HALF, 2));
            net.output(kind.features(DataType.HALF, 3));
        }));
        paths.add(path("workspaces off", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.NONE), ff, DataType.FLOAT)));
        paths.add(path("column-major input (copied before use)", () -> {
            MultiLayerNetwork net = network(ff, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.ENABLED);
            INDArray x = ff.features(DataType.FLOAT, 1).dup('f');
            net.fit(x, ff.labels(DataType.FLOAT, 1));
            net.output(x);
        }));
        paths.add(path("masked sequences", HostAccessOrderTest::maskedSequences));
        paths.add(path("frozen statistics", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder().frozenStatistics(true), DataType.FLOAT, WorkspaceMode.ENABLED),
                ff, DataType.FLOAT)));
        paths.add(path("frozen gamma and beta", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder().frozenGammaBeta(true), DataType.FLOAT, WorkspaceMode.ENABLED),
                ff, DataType.FLOAT)));
        paths.add(path("locked gamma and beta", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder().lockGammaBeta(true).gamma(2).beta(1), DataType.FLOAT,
                        WorkspaceMode.ENABLED),
                ff, DataType.FLOAT)));
        paths.add(path("inside FrozenLayerWithBackprop", () -> trainAndInfer(Networks.multiLayer(ff,
                new FrozenLayerWithBackprop(new BatchNorm.Builder().build()), DataType.FLOAT, new Adam(0.01)),
                ff, DataType.FLOAT)));
        for (InputKind kind : List.of(InputKind.CNN_NCHW, InputKind.CNN_NHWC)) {
            paths.add(path("ReLU fused into bn-core's passes, " + kind, () -> trainAndInfer(network(kind,
                    new BatchNorm.Builder().activation(Activation.RELU), DataType.FLOAT, WorkspaceMode.ENABLED),
                    kind, DataType.FLOAT)));
            paths.add(path("tanh applied through ND4J, " + kind, () -> trainAndInfer(network(kind,
                    new BatchNorm.Builder().activation(Activation.TANH), DataType.FLOAT, WorkspaceMode.ENABLED),
                    kind, DataType.FLOAT)));
        }
        paths.add(path("batch renormalization", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder().renorm(1.5, 0.5), DataType.FLOAT, WorkspaceMode.ENABLED),
                ff, DataType.FLOAT)));
        paths.add(path("ghost batches", () -> trainAndInfer(
                network(ff, new BatchNorm.Builder().ghostBatchSize(3), DataType.FLOAT, WorkspaceMode.ENABLED),
                ff, DataType.FLOAT)));
        paths.add(path("computation graph", () -> {
            ComputationGraph graph = Networks.graph(InputKind.CNN_NHWC, new BatchNorm.Builder().build(),
                    DataType.FLOAT, new Adam(0.01));
            graph.fit(new DataSet(InputKind.CNN_NHWC.features(DataType.FLOAT, 1),
                    InputKind.CNN_NHWC.labels(DataType.FLOAT, 1)));
            graph.outputSingle(InputKind.CNN_NHWC.features(DataType.FLOAT, 2));
        }));
        paths.add(path("synchronized BN on two workers", HostAccessOrderTest::synchronizedWorkers));
        paths.add(path("PreciseStatistics", () -> {
            MultiLayerNetwork net = network(ff, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.ENABLED);
            PreciseStatistics.builder().build().recompute(net, new ListDataSetIterator<>(minibatches(ff, 3)));
            net.output(ff.features(DataType.FLOAT, 9));
        }));
        paths.add(path("folding", () -> {
            MultiLayerNetwork net = network(InputKind.CNN_NCHW, new BatchNorm.Builder(), DataType.FLOAT,
                    WorkspaceMode.ENABLED);
            trainAndInfer(net, InputKind.CNN_NCHW, DataType.FLOAT);
            BatchNormFolding.fold(net).output(InputKind.CNN_NCHW.features(DataType.FLOAT, 9));
        }));
        paths.add(path("swap from and back to the built-in layer", () -> {
            MultiLayerNetwork builtIn = Networks.multiLayer(ff, new BatchNormalization.Builder().build(),
                    DataType.FLOAT, new Adam(0.01));
            MultiLayerNetwork ours = BatchNormSwap.replaceBuiltIn(builtIn);
            trainAndInfer(ours, ff, DataType.FLOAT);
            BatchNormSwap.toBuiltIn(ours).output(ff.features(DataType.FLOAT, 9));
        }));
        paths.add(path("CovariateShiftMonitor", () -> {
            MultiLayerNetwork net = network(ff, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.ENABLED);
            CovariateShiftMonitor monitor = new CovariateShiftMonitor(ff.features(DataType.FLOAT, 7), 1, 0, 1, false,
                    15, 50, 85);
            monitor.recordInitial(net);
            net.setListeners(monitor);
            trainAndInfer(net, ff, DataType.FLOAT);
        }));
        return paths.stream();
    }

    private static List<DataSet> minibatches(InputKind kind, int count) {
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            minibatches.add(new DataSet(kind.features(DataType.FLOAT, 10 + i), kind.labels(DataType.FLOAT, 20 + i)));
        }
        return minibatches;
    }

    private static void maskedSequences() {
        InputKind kind = InputKind.RNN_NCW;
        MultiLayerNetwork net = network(kind, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.ENABLED);
        INDArray mask = Nd4j.ones(DataType.FLOAT, 3, 4);
        mask.putScalar(0, 3, 0);
        mask.putScalar(2, 2, 0);
        mask.putScalar(2, 3, 0);
        net.fit(new DataSet(kind.features(DataType.FLOAT, 1), kind.labels(DataType.FLOAT, 1), mask, mask));
        net.output(kind.features(DataType.FLOAT, 2), false, mask, null);
    }

    private static void synchronizedWorkers() {
        MultiLayerNetwork net = network(InputKind.FEED_FORWARD, new BatchNorm.Builder(), DataType.FLOAT,
                WorkspaceMode.ENABLED);
        ParallelTraining.fit(net, minibatches(InputKind.FEED_FORWARD, 4), TrainingMode.AVERAGING, 2,
                WorkspaceMode.ENABLED, 0, SyncBatchNorm::enable);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void everyAccessIsBroughtToTheHostFirstAndEveryWriteMarkedBeforeNd4jUsesIt(String name, Runnable path) {
        List<String> violations;
        int pointers;
        try (HostAccessRecorder recorder = HostAccessRecorder.install()) {
            path.run();
            violations = recorder.violations();
            pointers = recorder.pointers();
        }
        assertEquals(List.of(), violations);
        assertTrue(pointers > 0, "the path reached memory through the seam");
    }

    @Test
    void theCheckFailsWhenWritesAreNotMarked() {
        List<String> violations = violationsWithout("written");

        assertTrue(violations.stream().anyMatch(v -> v.contains("not marked written before ND4J op")),
                violations::toString);
    }

    @Test
    void theCheckFailsWhenMemoryIsTakenWithoutBringingItToTheHost() {
        List<String> violations = violationsWithout("toHost");

        assertTrue(violations.stream().anyMatch(v -> v.contains("taken without toHost")), violations::toString);
    }

    private static List<String> violationsWithout(String call) {
        InputKind kind = InputKind.FEED_FORWARD;
        MultiLayerNetwork net = network(kind, new BatchNorm.Builder(), DataType.FLOAT, WorkspaceMode.ENABLED);
        try (HostAccessRecorder recorder = HostAccessRecorder.installWithout(call)) {
            trainAndInfer(net, kind, DataType.FLOAT);
            return recorder.violations();
        }
    }

    @Test
    void backwardWithoutAFusedActivationLeavesBetaOnTheDevice() {
        assertFalse(backwardReachesBeta(new BatchNorm.Builder()), "identity");
        assertFalse(backwardReachesBeta(new BatchNorm.Builder().activation(Activation.TANH)), "tanh through ND4J");
    }

    @Test
    void backwardOfAFusedReluReadsBetaToFindTheKink() {
        assertTrue(backwardReachesBeta(new BatchNorm.Builder().activation(Activation.RELU)));
    }

    /** @return whether one training-mode backward pass of the layer brought beta's memory to the host */
    private static boolean backwardReachesBeta(BatchNorm.Builder bn) {
        InputKind kind = InputKind.FEED_FORWARD;
        MultiLayerNetwork net = network(kind, bn, DataType.FLOAT, WorkspaceMode.ENABLED);
        net.initGradientsView();
        Layer layer = net.getLayer(1);
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        INDArray in = net.feedForwardToLayer(0, kind.features(DataType.FLOAT, 1), true).get(1).dup();
        INDArray dy = TestArrays.uniform(DataType.FLOAT, 10, -1, 1, in.shape());
        layer.setInput(in, noWorkspaces);
        layer.activate(true, noWorkspaces);
        try (HostAccessRecorder recorder = HostAccessRecorder.install()) {
            layer.backpropGradient(dy, noWorkspaces);
            assertEquals(List.of(), recorder.violations());
            return recorder.reached(layer.getParam(BatchNormParamInitializer.BETA));
        }
    }

    @Test
    void parameterAndGradientViewsShareTheirNetworksBuffers() {
        MultiLayerNetwork net = network(InputKind.FEED_FORWARD, new BatchNorm.Builder(), DataType.FLOAT,
                WorkspaceMode.ENABLED);
        net.initGradientsView();

        assertSame(HostAccessRecorder.root(net.params()),
                HostAccessRecorder.root(net.getLayer(1).getParam(BatchNormParamInitializer.VAR)));
        assertSame(HostAccessRecorder.root(net.getFlattenedGradients()),
                HostAccessRecorder.root(net.getLayer(1).getGradientsViewArray()));
    }

    @Test
    void onTheCpuBackendNothingIsSaid() {
        assertNull(Nd4jHostMemory.backendNotice(true, "CPU"));
    }

    @Test
    void onAnotherBackendTheNoticeSaysWhereBn4jComputesAndNamesTheOnDeviceLayer() {
        String notice = Nd4jHostMemory.backendNotice(false, "CUDA");

        assertTrue(notice.contains("on the host") && notice.contains("CUDA"), notice);
        assertTrue(notice.contains("BatchNormalization") && notice.contains("BatchNormSwap.toBuiltIn"), notice);
    }
}
