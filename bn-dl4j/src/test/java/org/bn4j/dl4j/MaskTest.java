package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Masked sequence steps take no part in the statistics, and get zero output and zero gradient. */
class MaskTest {
    private static final int N = 3;
    private static final int C = 4;
    private static final int T = 5;

    /** Variable-length sequences: 5, 3 and 2 steps. */
    private static INDArray mask(DataType type) {
        INDArray mask = Nd4j.zeros(type, N, T);
        int[] lengths = {5, 3, 2};
        for (int i = 0; i < N; i++) {
            mask.get(NDArrayIndex.point(i), NDArrayIndex.interval(0, lengths[i])).assign(1);
        }
        return mask;
    }

    private static MultiLayerNetwork bnOnSequences(RNNFormat format, DataType type,
                                                   org.nd4j.linalg.learning.config.IUpdater updater) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).dataType(type)
                .updater(updater).list()
                .layer(new BatchNorm.Builder().build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.TANH)
                        .dataFormat(format).build())
                .setInputType(InputType.recurrent(C, T, format)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray sequences(RNNFormat format, DataType type, long seed) {
        return format == RNNFormat.NCW ? TestArrays.uniform(type, seed, -2, 4, N, C, T)
                : TestArrays.uniform(type, seed, -2, 4, N, T, C);
    }

    /** The [K, C] values of the kept steps, as plain rows. */
    private static INDArray keptRows(INDArray x, RNNFormat format) {
        INDArray nwc = format == RNNFormat.NCW ? x.permute(0, 2, 1) : x;
        INDArray m = mask(x.dataType());
        java.util.List<INDArray> rows = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            for (int t = 0; t < T; t++) {
                if (m.getDouble(i, t) != 0) {
                    rows.add(nwc.get(NDArrayIndex.point(i), NDArrayIndex.point(t), NDArrayIndex.all()).reshape(1, C));
                }
            }
        }
        return Nd4j.vstack(rows);
    }

    @ParameterizedTest
    @EnumSource(RNNFormat.class)
    void statisticsRunOverKeptStepsOnlyAndMaskedStepsOutputZero(RNNFormat format) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = bnOnSequences(format, DataType.DOUBLE, new NoOp());
        INDArray x = sequences(format, DataType.DOUBLE, 1);
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(0);
        layer.setMaskArray(mask(DataType.DOUBLE));

        INDArray y = layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces());

        INDArray kept = keptRows(x, format);
        INDArray expected = kept.subRowVector(kept.mean(0))
                .divRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(kept.var(false, 0).addi(1e-5)));
        assertClose(expected, keptRows(y, format), 1e-12, "output at kept steps");
        assertEquals(0.0, maskedNorm(y, format), 0.0, "output at masked steps");
    }

    private static double maskedNorm(INDArray y, RNNFormat format) {
        INDArray nwc = format == RNNFormat.NCW ? y.permute(0, 2, 1) : y;
        INDArray m = mask(y.dataType());
        double sum = 0;
        for (int i = 0; i < N; i++) {
            for (int t = 0; t < T; t++) {
                if (m.getDouble(i, t) == 0) {
                    sum += nwc.get(NDArrayIndex.point(i), NDArrayIndex.point(t), NDArrayIndex.all()).norm1Number()
                            .doubleValue();
                }
            }
        }
        return sum;
    }

    @ParameterizedTest
    @EnumSource(RNNFormat.class)
    void runningStatisticsComeFromKeptStepsOnly(RNNFormat format) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = bnOnSequences(format, DataType.DOUBLE, new Sgd(0.1));
        INDArray x = sequences(format, DataType.DOUBLE, 2);
        INDArray labels = format == RNNFormat.NCW ? TestArrays.uniform(DataType.DOUBLE, 3, 0, 1, N, 2, T)
                : TestArrays.uniform(DataType.DOUBLE, 3, 0, 1, N, T, 2);

        net.fit(x, labels, mask(DataType.DOUBLE), mask(DataType.DOUBLE));

        INDArray kept = keptRows(x, format);
        assertClose(kept.mean(0).muli(0.1), net.getLayer(0).getParam("mean"), 1e-12, "running mean");
        assertClose(kept.var(false, 0).muli(0.1).addi(0.9), net.getLayer(0).getParam("var"), 1e-12, "running variance");
    }

    @ParameterizedTest
    @EnumSource(RNNFormat.class)
    void gradientCheckPassesWithInputAndLabelMasks(RNNFormat format) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = bnOnSequences(format, DataType.DOUBLE, new NoOp());
        GradientCheckTest.randomizeGammaBeta(net.getLayer(0).paramTable(), false);
        INDArray labels = format == RNNFormat.NCW ? TestArrays.uniform(DataType.DOUBLE, 3, 0, 1, N, 2, T)
                : TestArrays.uniform(DataType.DOUBLE, 3, 0, 1, N, T, 2);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(sequences(format, DataType.DOUBLE, 4)).labels(labels)
                .inputMask(mask(DataType.DOUBLE)).labelMask(mask(DataType.DOUBLE))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok);
    }

    @Test
    void maskedStepsGetZeroGradient() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = bnOnSequences(RNNFormat.NWC, DataType.DOUBLE, new NoOp());
        net.initGradientsView();
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(0);
        layer.setMaskArray(mask(DataType.DOUBLE));
        layer.activate(sequences(RNNFormat.NWC, DataType.DOUBLE, 5), true, LayerWorkspaceMgr.noWorkspaces());

        INDArray dx = layer.backpropGradient(TestArrays.uniform(DataType.DOUBLE, 6, -1, 1, N, T, C),
                LayerWorkspaceMgr.noWorkspaces()).getSecond();

        assertEquals(0.0, maskedNorm(dx, RNNFormat.NWC), 0.0);
    }

    @Test
    void aMaskThatKeepsNothingGivesZerosInInferenceAndAClearErrorInTraining() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = bnOnSequences(RNNFormat.NCW, DataType.DOUBLE, new NoOp());
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(0);
        layer.setMaskArray(Nd4j.zeros(DataType.DOUBLE, N, T));
        INDArray x = sequences(RNNFormat.NCW, DataType.DOUBLE, 7);

        assertEquals(0.0, layer.activate(x, false, LayerWorkspaceMgr.noWorkspaces()).norm1Number().doubleValue());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.activate(x, true, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("the mask keeps no position"), e.getMessage());
    }

    @Test
    void maskOnImageInputIsRejected() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(InputKind.CNN_NCHW, new BatchNorm.Builder().build(), DataType.FLOAT,
                new NoOp());
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(1);
        layer.setMaskArray(Nd4j.ones(DataType.FLOAT, 3, 1, 4, 3));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> layer.activate(Nd4j.ones(DataType.FLOAT, 3, 3, 4, 3), true, LayerWorkspaceMgr.noWorkspaces()));
        assertTrue(e.getMessage().contains("masks are supported for [N, C] and sequence input, not NCHW"),
                e.getMessage());
    }
}
