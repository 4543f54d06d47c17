package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.enums.DebugMode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

@DisplayName("The BatchNorm layer")
class BatchNormLayerTest {
    private static final int C = 3;

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** BN straight on the input, so that the statistics it sees are those of the data. */
    private static MultiLayerNetwork bnFirst(NeuralNetConfiguration.Builder base,
                                             org.deeplearning4j.nn.conf.layers.Layer bn) {
        MultiLayerConfiguration conf = base.seed(Networks.SEED).list()
                .layer(bn)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(C)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray batch(long seed) {
        return TestArrays.uniform(DataType.FLOAT, seed, 2, 5, 8, C);
    }

    private static INDArray targets(long seed) {
        return TestArrays.uniform(DataType.FLOAT, seed + 1000, 0, 1, 8, 2);
    }

    /** Running statistics after one step from (0, 1) with decay 0.9: 0.1 of the batch's mean and biased variance. */
    private static void assertRunningStatsAfterOneStep(MultiLayerNetwork net, INDArray x) {
        INDArray mean = x.mean(0).muli(0.1);
        INDArray var = x.var(false, 0).muli(0.1).addi(0.9);
        assertClose(mean, net.getLayer(0).getParam("mean"), 1e-6, "running mean");
        assertClose(var, net.getLayer(0).getParam("var"), 1e-6, "running variance");
    }

    @Nested
    @DisplayName("in training")
    class InTraining {
        @Test
        void updatesRunningStatisticsAsAnExponentialAverageOfBatchStatistics() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)),
                    new BatchNorm.Builder().build());
            INDArray x = batch(1);

            net.fit(x, targets(1));

            assertRunningStatsAfterOneStep(net, x);
        }

        @ParameterizedTest
        @EnumSource(value = GradientNormalization.class, names = "None", mode = EnumSource.Mode.EXCLUDE)
        void keepsRunningStatisticsOutOfGradientNormalization(GradientNormalization mode) {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(0.1))
                    .gradientNormalization(mode).gradientNormalizationThreshold(1e-3), new BatchNorm.Builder().build());
            INDArray x = batch(2);

            net.fit(x, targets(2));

            assertRunningStatsAfterOneStep(net, x);
        }

        @ParameterizedTest
        @EnumSource(value = GradientNormalization.class, names = {"ClipElementWiseAbsoluteValue", "ClipL2PerParamType",
                "RenormalizeL2PerParamType"})
        void appliesGradientNormalizationToGammaAndBetaAsTheBuiltInLayerDoes(GradientNormalization mode) {
            NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1))
                    .gradientNormalization(mode).gradientNormalizationThreshold(1e-2);
            MultiLayerNetwork builtIn = bnFirst(base, new BatchNormalization.Builder().build());
            MultiLayerNetwork ours = bnFirst(base, new BatchNorm.Builder().build());
            ours.getLayer(1).setParams(builtIn.getLayer(1).params().dup());

            builtIn.fit(batch(3), targets(3));
            ours.fit(batch(3), targets(3));

            assertClose(builtIn.getLayer(0).getParam("gamma"), ours.getLayer(0).getParam("gamma"), 1e-6, "gamma");
            assertClose(builtIn.getLayer(0).getParam("beta"), ours.getLayer(0).getParam("beta"), 1e-6, "beta");
        }

        @Test
        void renormalizesGammaAndBetaTogetherToUnitNormPerLayer() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(1.0))
                    .gradientNormalization(GradientNormalization.RenormalizeL2PerLayer),
                    new BatchNorm.Builder().build());
            INDArray before = net.getLayer(0).params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2 * C))
                    .dup();

            net.fit(batch(4), targets(4));

            INDArray after = net.getLayer(0).params().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2 * C));
            assertEquals(1.0, before.sub(after).norm2Number().doubleValue(), 1e-5);
        }

        @Test
        void neverRegularizesRunningStatistics() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).l1(0.3).l2(0.5)
                    .weightDecay(0.7), new BatchNorm.Builder().build());
            INDArray x = batch(5);

            net.fit(x, targets(5));

            assertRunningStatsAfterOneStep(net, x);
        }
    }

    @Nested
    @DisplayName("in inference")
    class InInference {
        @Test
        void changesNoStateThroughOutputFeedForwardOrEvaluation() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)),
                    new BatchNorm.Builder().build());
            net.fit(batch(6), targets(6));
            INDArray params = net.params().dup();
            INDArray x = batch(7);

            INDArray first = net.output(x, false);
            net.feedForward(x, false);
            net.evaluateRegression(new ListDataSetIterator<>(List.of(new DataSet(x, targets(7)))));
            INDArray second = net.output(x, false);

            assertEquals(params, net.params());
            assertEquals(first, second);
        }

        @Test
        void usesTheRunningStatistics() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new NoOp()),
                    new BatchNorm.Builder().eps(1e-5).build());
            net.getLayer(0).getParam("mean").assign(Nd4j.createFromArray(1f, 2f, 3f));
            net.getLayer(0).getParam("var").assign(Nd4j.createFromArray(4f, 9f, 16f));
            INDArray x = batch(8);

            INDArray y = net.feedForward(x, false).get(1);

            INDArray expected = x.subRowVector(Nd4j.createFromArray(1f, 2f, 3f)).divRowVector(
                    org.nd4j.linalg.ops.transforms.Transforms.sqrt(Nd4j.createFromArray(4f, 9f, 16f).addi(1e-5f)));
            assertClose(expected, y, 1e-5, "inference output");
        }
    }

    @Nested
    @DisplayName("frozen")
    class Frozen {
        private MultiLayerNetwork withFrozenBn(WorkspaceMode workspaces, DataType type,
                                               org.nd4j.linalg.learning.config.IUpdater updater) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).dataType(type)
                    .updater(updater).trainingWorkspaceMode(workspaces).inferenceWorkspaceMode(workspaces).list()
                    .layer(new DenseLayer.Builder().nOut(C).hasBias(false).activation(Activation.IDENTITY).build())
                    .layer(new FrozenLayerWithBackprop(new BatchNorm.Builder().build()))
                    .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                            .activation(Activation.IDENTITY).build())
                    .setInputType(InputType.feedForward(4)).build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            net.getLayer(1).getParam("mean").assign(0.25);
            net.getLayer(1).getParam("var").assign(2.0);
            return net;
        }

        @ParameterizedTest
        @EnumSource(WorkspaceMode.class)
        void withBackpropTrainsTheLayersAroundItAndKeepsItsState(WorkspaceMode workspaces) {
            MultiLayerNetwork net = withFrozenBn(workspaces, DataType.FLOAT, new Sgd(0.1));
            INDArray bnBefore = net.getLayer(1).params().dup();
            INDArray denseBefore = net.getLayer(0).params().dup();
            net.fit(TestArrays.uniform(DataType.FLOAT, 9, -1, 1, 8, 4),
                    TestArrays.uniform(DataType.FLOAT, 10, 0, 1, 8, 2));

            assertEquals(bnBefore, net.getLayer(1).params());
            assertTrue(!denseBefore.equals(net.getLayer(0).params()), "the layer below the frozen BN should learn");
        }

        @Test
        void withBackpropPassesTheGradientOfItsInferenceForm() {
            Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
            MultiLayerNetwork net = withFrozenBn(WorkspaceMode.ENABLED, DataType.DOUBLE, new NoOp());
            net.getLayer(1).getParam("gamma").assign(1.7);
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(TestArrays.uniform(DataType.DOUBLE, 11, -1, 1, 5, 4))
                    .labels(TestArrays.uniform(DataType.DOUBLE, 12, 0, 1, 5, 2))
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                    // frozen parameters get no gradient by design
                    .excludeParams(java.util.Set.of("1_gamma", "1_beta", "1_mean", "1_var")));

            assertTrue(ok);
        }

        @Test
        void asTransferLearningFeatureExtractorKeepsItsState() {
            MultiLayerNetwork net = bnFirst(new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)),
                    new BatchNorm.Builder().build());
            net.fit(batch(11), targets(11));
            MultiLayerNetwork transfer = new TransferLearning.Builder(net).setFeatureExtractor(0).build();
            INDArray bnBefore = transfer.getLayer(0).params().dup();

            transfer.fit(batch(12), targets(12));

            assertEquals(bnBefore, transfer.getLayer(0).params());
        }
    }

    @Nested
    @DisplayName("given arrays in any memory order")
    class MemoryOrder {
        @Test
        void fOrderAndStridedViewsGiveTheResultsOfRowMajorInput() {
            MultiLayerNetwork net = Networks.multiLayer(InputKind.CNN_NHWC, new BatchNorm.Builder().build(),
                    DataType.FLOAT, new NoOp());
            net.initGradientsView();
            BatchNormLayer layer = (BatchNormLayer) net.getLayer(1);
            INDArray x = TestArrays.uniform(DataType.FLOAT, 20, -1, 1, 3, 4, 3, 3);
            INDArray eps = TestArrays.uniform(DataType.FLOAT, 21, -1, 1, 3, 4, 3, 3);
            INDArray wide = TestArrays.uniform(DataType.FLOAT, 22, -1, 1, 3, 4, 3, 6);
            INDArray strided = wide.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                    NDArrayIndex.interval(0, 3));
            strided.assign(x);

            INDArray y = layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces()).dup();
            INDArray dx = layer.backpropGradient(eps, LayerWorkspaceMgr.noWorkspaces()).getSecond().dup();
            INDArray yF = layer.activate(x.dup('f'), true, LayerWorkspaceMgr.noWorkspaces()).dup();
            INDArray dxF = layer.backpropGradient(eps.dup('f'), LayerWorkspaceMgr.noWorkspaces()).getSecond().dup();
            INDArray yView = layer.activate(strided, true, LayerWorkspaceMgr.noWorkspaces()).dup();

            assertEquals(y, yF);
            assertEquals(dx, dxF);
            assertEquals(y, yView);
        }
    }

    @Nested
    @DisplayName("with workspaces")
    class Workspaces {
        @AfterEach
        void productionMode() {
            Nd4j.getWorkspaceManager().setDebugMode(DebugMode.DISABLED);
        }

        private INDArray paramsAfterTraining(InputKind kind, WorkspaceMode mode) {
            MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().build(), DataType.FLOAT,
                    new Sgd(0.1), mode);
            for (int step = 0; step < 3; step++) {
                net.fit(kind.features(DataType.FLOAT, step), kind.labels(DataType.FLOAT, step));
            }
            return net.params().dup();
        }

        @ParameterizedTest
        @EnumSource(InputKind.class)
        void enabledAndNoneGiveIdenticalTraining(InputKind kind) {
            assertEquals(paramsAfterTraining(kind, WorkspaceMode.NONE),
                    paramsAfterTraining(kind, WorkspaceMode.ENABLED));
        }

        @ParameterizedTest
        @EnumSource(value = DebugMode.class, names = {"SPILL_EVERYTHING", "BYPASS_EVERYTHING"})
        void debugModesRaiseNoWorkspaceErrorsAndChangeNothing(DebugMode debug) {
            INDArray production = paramsAfterTraining(InputKind.CNN_NCHW, WorkspaceMode.ENABLED);
            Nd4j.getWorkspaceManager().setDebugMode(debug);
            assertEquals(production, paramsAfterTraining(InputKind.CNN_NCHW, WorkspaceMode.ENABLED));
        }
    }

    @Nested
    @DisplayName("in other precisions")
    class Precisions {
        @Test
        void halfPrecisionNetworksTrainAndInferInFloatInside() {
            Nd4j.setDefaultDataTypes(DataType.HALF, DataType.HALF);
            MultiLayerNetwork net = Networks.multiLayer(InputKind.CNN_NCHW, new BatchNorm.Builder().build(),
                    DataType.HALF, new Sgd(0.1));
            INDArray x = InputKind.CNN_NCHW.features(DataType.HALF, 1);

            net.fit(x, InputKind.CNN_NCHW.labels(DataType.HALF, 2));
            INDArray y = net.feedForward(x, true).get(2);

            assertEquals(DataType.HALF, y.dataType());
            // Per channel, BN's training output has mean 0 and variance 1 (to half precision).
            INDArray mean = y.castTo(DataType.FLOAT).mean(0, 2, 3);
            INDArray var = y.castTo(DataType.FLOAT).var(false, 0, 2, 3);
            for (int ch = 0; ch < InputKind.CNN_NCHW.channels; ch++) {
                float gamma = net.getLayer(1).getParam("gamma").getFloat(ch);
                float beta = net.getLayer(1).getParam("beta").getFloat(ch);
                assertEquals(beta, mean.getFloat(ch), 5e-3);
                assertEquals(gamma * gamma, var.getFloat(ch), 1e-2);
            }
        }
    }

    @Nested
    @DisplayName("reports memory")
    class Memory {
        @Test
        void countsItsParametersAndUpdaterState() {
            BatchNorm learned = new BatchNorm.Builder().nIn(16).nOut(16).build();
            learned.setIUpdater(new org.nd4j.linalg.learning.config.Adam());
            LayerMemoryReport report = learned.getMemoryReport(InputType.convolutional(8, 8, 16));

            assertEquals(64, report.getParameterSize());
            assertEquals(2 * 2 * 16, report.getUpdaterStateSize(),
                    "Adam keeps 2 values per gamma and beta, none for statistics");
        }
    }
}
