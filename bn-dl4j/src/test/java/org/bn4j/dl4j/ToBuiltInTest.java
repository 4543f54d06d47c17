package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** {@link BatchNormSwap#toBuiltIn}: bn4j layers back to DL4J's built-in layer, wherever it can stand in for them. */
class ToBuiltInTest {
    /** The bound for float inference outputs (relative above 1). */
    private static final double FLOAT_TOLERANCE = 1e-6;

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** A bn4j layer with identity activation (the network's default activation would be sigmoid). */
    private static BatchNorm.Builder bn4j() {
        return new BatchNorm.Builder().decay(0.5).activation(Activation.IDENTITY);
    }

    /** @return a network around {@code bn} after three Adam steps in float */
    static MultiLayerNetwork trained(InputKind kind, Layer bn) {
        MultiLayerNetwork net = Networks.multiLayer(kind, bn, DataType.FLOAT, new Adam(0.01));
        for (int step = 0; step < 3; step++) {
            net.fit(kind.features(DataType.FLOAT, step), kind.labels(DataType.FLOAT, step));
        }
        return net;
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NCHW", "CNN_NHWC"})
    void aMultiLayerNetworkGivesTheSameInferenceOutputs(InputKind kind) {
        MultiLayerNetwork ours = trained(kind, bn4j().build());
        INDArray paramsBefore = ours.params().dup();

        MultiLayerNetwork builtIn = BatchNormSwap.toBuiltIn(ours);

        assertEquals(0, BatchNormSwapTest.countLayers(builtIn.getLayers(), BatchNorm.class));
        assertEquals(1, BatchNormSwapTest.countLayers(builtIn.getLayers(), BatchNormalization.class));
        assertEquals(ours.getIterationCount(), builtIn.getIterationCount());
        assertEquals(paramsBefore, ours.params(), "the original is left alone");
        INDArray x = kind.features(DataType.FLOAT, 50);
        assertClose(ours.output(x, false), builtIn.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC"})
    void aComputationGraphGivesTheSameInferenceOutputs(InputKind kind) {
        ComputationGraph ours = Networks.graph(kind, bn4j().build(), DataType.FLOAT, new Adam(0.01));
        for (int step = 0; step < 3; step++) {
            ours.fit(new INDArray[] {kind.features(DataType.FLOAT, step)},
                    new INDArray[] {kind.labels(DataType.FLOAT, step)});
        }

        ComputationGraph builtIn = BatchNormSwap.toBuiltIn(ours);

        assertEquals(1, BatchNormSwapTest.countLayers(builtIn.getLayers(), BatchNormalization.class));
        INDArray x = kind.features(DataType.FLOAT, 51);
        assertClose(ours.outputSingle(false, x), builtIn.outputSingle(false, x), FLOAT_TOLERANCE, "inference output");
    }

    @ParameterizedTest(name = "gamma {0}, beta {1}")
    @org.junit.jupiter.params.provider.CsvSource({"2, 0.5", "1, 0"})
    void lockedGammaAndBetaThatDl4jAppliesGiveTheSameOutputs(double gamma, double beta) {
        MultiLayerNetwork ours = trained(InputKind.FEED_FORWARD,
                bn4j().lockGammaBeta(true).gamma(gamma).beta(beta).build());

        MultiLayerNetwork builtIn = BatchNormSwap.toBuiltIn(ours);

        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 52);
        assertClose(ours.output(x, false), builtIn.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC"})
    void trainingContinuesAsWithBn4j(InputKind kind) {
        MultiLayerNetwork ours = trained(kind, bn4j().build());
        MultiLayerNetwork builtIn = BatchNormSwap.toBuiltIn(ours);

        ours.fit(kind.features(DataType.FLOAT, 60), kind.labels(DataType.FLOAT, 60));
        builtIn.fit(kind.features(DataType.FLOAT, 60), kind.labels(DataType.FLOAT, 60));

        assertClose(ours.getLayer(0).params(), builtIn.getLayer(0).params(), 1e-5, "layer below BN (Adam state)");
        assertClose(ours.getLayer(1).getParam("gamma"), builtIn.getLayer(1).getParam("gamma"), 1e-5, "gamma");
        assertClose(ours.getLayer(1).getParam("mean"), builtIn.getLayer(1).getParam("mean"), 1e-5, "running mean");
    }

    @Test
    void aRoundTripFromTheBuiltInLayerGivesTheSameNetwork() {
        MultiLayerNetwork original = Networks.multiLayer(InputKind.CNN_NHWC,
                new BatchNormalization.Builder().decay(0.7).eps(1e-4).build(), DataType.FLOAT, new Adam(0.01));
        for (int step = 0; step < 3; step++) {
            original.fit(InputKind.CNN_NHWC.features(DataType.FLOAT, step),
                    InputKind.CNN_NHWC.labels(DataType.FLOAT, step));
        }

        MultiLayerNetwork back = BatchNormSwap.toBuiltIn(BatchNormSwap.replaceBuiltIn(original));

        BatchNormalization before = (BatchNormalization) original.getLayer(1).conf().getLayer();
        BatchNormalization after = (BatchNormalization) back.getLayer(1).conf().getLayer();
        assertEquals(before.getEps(), after.getEps());
        assertEquals(before.getDecay(), after.getDecay());
        assertEquals(before.isUseLogStd(), after.isUseLogStd());
        assertEquals(before.getCnn2DFormat(), after.getCnn2DFormat());
        assertEquals(before.isLockGammaBeta(), after.isLockGammaBeta());
        assertEquals(before.getIUpdater(), after.getIUpdater());
        assertEquals(original.getLayerWiseConfigurations().getIterationCount(),
                back.getLayerWiseConfigurations().getIterationCount());
        assertClose(original.params(), back.params(), FLOAT_TOLERANCE, "parameters");
        assertClose(original.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray(), 0,
                "updater state");
        INDArray x = InputKind.CNN_NHWC.features(DataType.FLOAT, 53);
        assertClose(original.output(x, false), back.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @Test
    void aNetworkWithoutBn4jLayersIsReturnedAsIs() {
        MultiLayerNetwork builtIn = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNormalization.Builder().build(), DataType.FLOAT, new Adam());
        assertSame(builtIn, BatchNormSwap.toBuiltIn(builtIn));
    }

    static Stream<Arguments> unrepresentable() {
        return Stream.of(
                Arguments.of(InputKind.RNN_NCW, (UnaryOperator<BatchNorm.Builder>) b -> b, "sequences"),
                Arguments.of(InputKind.RNN_NWC, (UnaryOperator<BatchNorm.Builder>) b -> b.rnnDataFormat(RNNFormat.NWC),
                        "sequences"),
                Arguments.of(InputKind.CNN3D_NCDHW, (UnaryOperator<BatchNorm.Builder>) b -> b, "3-D convolution"),
                Arguments.of(InputKind.FEED_FORWARD,
                        (UnaryOperator<BatchNorm.Builder>) b -> b.activation(Activation.RELU), "activation relu"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.renorm(3, 5),
                        "renormalization"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.ghostBatchSize(2),
                        "ghost batches"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.frozenStatistics(true),
                        "frozen statistics"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.frozenGammaBeta(true),
                        "frozen gamma and beta"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.cumulativeAverage(true),
                        "CUMULATIVE average"),
                Arguments.of(InputKind.FEED_FORWARD, (UnaryOperator<BatchNorm.Builder>) b -> b.unbiasedVariance(true),
                        "UNBIASED variance"),
                Arguments.of(InputKind.FEED_FORWARD,
                        (UnaryOperator<BatchNorm.Builder>) b -> b.lockGammaBeta(true).gamma(2).beta(0),
                        "locks gamma 2.0 and beta 0.0"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("unrepresentable")
    void aLayerDl4jCannotRepresentFailsTheCallNamingLayerAndReason(InputKind kind,
                                                                   UnaryOperator<BatchNorm.Builder> option,
                                                                   String reason) {
        MultiLayerNetwork ours = Networks.multiLayer(kind, option.apply(bn4j().name("the-bn")).build(),
                DataType.FLOAT, new Adam(0.01));
        INDArray paramsBefore = ours.params().dup();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormSwap.toBuiltIn(ours));

        assertTrue(e.getMessage().contains("BatchNorm layer \"the-bn\" (index 1)"), e.getMessage());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertEquals(paramsBefore, ours.params(), "nothing changed");
        assertEquals(1, BatchNormSwapTest.countLayers(ours.getLayers(), BatchNorm.class));
    }

    @Test
    void aWrappedLayerFailsTheCall() {
        MultiLayerNetwork ours = Networks.multiLayer(InputKind.FEED_FORWARD,
                new FrozenLayerWithBackprop(bn4j().build()), DataType.FLOAT, new Adam(0.01));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormSwap.toBuiltIn(ours));

        assertTrue(e.getMessage().contains("layer \"layer1\" (index 1): it wraps bn4j BatchNorm"), e.getMessage());
    }

    @Test
    void aGraphLayerDl4jCannotRepresentFailsTheCallNamingIt() {
        ComputationGraph ours = Networks.graph(InputKind.FEED_FORWARD, bn4j().ghostBatchSize(2).build(),
                DataType.FLOAT, new Adam(0.01));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormSwap.toBuiltIn(ours));

        assertTrue(e.getMessage().contains("BatchNorm layer \"bn\": it uses ghost batches"), e.getMessage());
    }
}
