package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.model.ResNet50;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class BatchNormSwapTest {
    private static final double FLOAT_TOLERANCE = 1e-5;

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static MultiLayerNetwork trainedWithBuiltIn(InputKind kind) {
        return ToBuiltInTest.trained(kind, new BatchNormalization.Builder().decay(0.5).build());
    }

    static int countLayers(Layer[] layers, Class<?> type) {
        int count = 0;
        for (Layer layer : layers) {
            count += type.isInstance(layer.conf().getLayer()) ? 1 : 0;
        }
        return count;
    }

    /** Running statistics away from (0, 1), as after training; std 1 to 2, so that 53 layers of ResNet50 stay finite. */
    private static void randomizeStatistics(Layer[] layers) {
        long seed = 100;
        for (Layer layer : layers) {
            if (layer.conf().getLayer() instanceof BatchNormalization) {
                long c = layer.getParam("mean").length();
                layer.getParam("mean").assign(TestArrays.uniform(DataType.FLOAT, seed++, -0.5, 0.5, c));
                layer.getParam("log10stdev").assign(TestArrays.uniform(DataType.FLOAT, seed++, 0.0, 0.3, c));
                layer.getParam("gamma").assign(TestArrays.uniform(DataType.FLOAT, seed++, 0.8, 1.2, c));
                layer.getParam("beta").assign(TestArrays.uniform(DataType.FLOAT, seed++, -0.2, 0.2, c));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NCHW", "CNN_NHWC"})
    void multiLayerNetworkGivesTheSameInferenceOutputs(InputKind kind) {
        MultiLayerNetwork builtIn = trainedWithBuiltIn(kind);

        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        assertEquals(1, countLayers(swapped.getLayers(), BatchNorm.class));
        assertEquals(0, countLayers(swapped.getLayers(), BatchNormalization.class));
        assertEquals(1, countLayers(builtIn.getLayers(), BatchNormalization.class), "the original is left alone");
        assertEquals(builtIn.getIterationCount(), swapped.getIterationCount());
        INDArray x = kind.features(DataType.FLOAT, 50);
        assertClose(builtIn.output(x, false), swapped.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @Test
    void swappedLayersKeepIgnoringTheActivationDl4jIgnoredAndTheSwapNamesThem() {
        MultiLayerNetwork builtIn = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNormalization.Builder().activation(org.nd4j.linalg.activations.Activation.RELU).build(),
                DataType.FLOAT, new Adam(0.01));
        randomizeStatistics(builtIn.getLayers());

        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        BatchNorm bn = (BatchNorm) swapped.getLayer(1).conf().getLayer();
        assertTrue(bn.appliedActivation() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity);
        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 51);
        assertClose(builtIn.output(x, false), swapped.output(x, false), FLOAT_TOLERANCE, "inference output");
        assertTrue(builtIn.feedForward(x, false).get(2).minNumber().doubleValue() < 0, "DL4J applied no ReLU");
        java.util.List<String> ignored = new java.util.ArrayList<>();
        for (int i = 0; i < builtIn.getnLayers(); i++) {
            BatchNormSwap.noteIgnoredActivation(builtIn.getLayerWiseConfigurations().getConf(i), "layer " + i, ignored);
        }
        assertEquals(java.util.List.of("layer 1 (relu)"), ignored);
    }

    @ParameterizedTest(name = "gamma {0}, beta {1}")
    @org.junit.jupiter.params.provider.CsvSource({"2, 0.5", "2, 0", "1, 0.5", "1, 0"})
    void lockedGammaAndBetaGiveTheOutputsTheBuiltInLayerComputes(double gamma, double beta) {
        MultiLayerNetwork builtIn = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNormalization.Builder().lockGammaBeta(true).gamma(gamma).beta(beta).build(), DataType.FLOAT,
                new Adam(0.01));
        Layer bn = builtIn.getLayer(1);
        long c = bn.getParam("mean").length();
        bn.getParam("mean").assign(TestArrays.uniform(DataType.FLOAT, 7, -0.5, 0.5, c));
        bn.getParam("log10stdev").assign(TestArrays.uniform(DataType.FLOAT, 8, 0.0, 0.3, c));

        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        // DL4J applies locked values only when both differ from (1, 0): (2, 0) gives the bare normalized value.
        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 53);
        assertClose(builtIn.output(x, false), swapped.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC"})
    void trainingContinuesAsWithTheBuiltInLayer(InputKind kind) {
        MultiLayerNetwork builtIn = trainedWithBuiltIn(kind);
        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        builtIn.fit(kind.features(DataType.FLOAT, 60), kind.labels(DataType.FLOAT, 60));
        swapped.fit(kind.features(DataType.FLOAT, 60), kind.labels(DataType.FLOAT, 60));

        assertClose(builtIn.getLayer(0).params(), swapped.getLayer(0).params(), FLOAT_TOLERANCE,
                "layer below BN (Adam state carried)");
        assertClose(builtIn.getLayer(1).getParam("gamma"), swapped.getLayer(1).getParam("gamma"), FLOAT_TOLERANCE,
                "gamma");
        assertClose(builtIn.getLayer(1).getParam("mean"), swapped.getLayer(1).getParam("mean"), FLOAT_TOLERANCE,
                "running mean");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NCHW"})
    void computationGraphGivesTheSameInferenceOutputs(InputKind kind) {
        ComputationGraph builtIn = Networks.graph(kind, new BatchNormalization.Builder().build(), DataType.FLOAT,
                new Adam(0.01));
        randomizeStatistics(builtIn.getLayers());

        ComputationGraph swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        assertEquals(0, countLayers(swapped.getLayers(), BatchNormalization.class));
        INDArray x = kind.features(DataType.FLOAT, 51);
        assertClose(builtIn.outputSingle(false, x), swapped.outputSingle(false, x), FLOAT_TOLERANCE,
                "inference output");
    }

    @Test
    void restoredSavedModelGivesTheSameOutputs(@TempDir Path dir) throws Exception {
        MultiLayerNetwork builtIn = trainedWithBuiltIn(InputKind.CNN_NCHW);
        File file = dir.resolve("builtin.zip").toFile();
        ModelSerializer.writeModel(builtIn, file, true);

        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(ModelSerializer.restoreMultiLayerNetwork(file, true));

        INDArray x = InputKind.CNN_NCHW.features(DataType.FLOAT, 52);
        assertClose(builtIn.output(x, false), swapped.output(x, false), FLOAT_TOLERANCE, "inference output");
    }

    @Test
    void networkWithoutBuiltInBatchNormIsReturnedAsIs() {
        MultiLayerNetwork ours = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                DataType.FLOAT, new Adam());
        assertSame(ours, BatchNormSwap.replaceBuiltIn(ours));
    }

    @Test
    void zooSimpleCnnGivesTheSameOutputs() {
        MultiLayerNetwork builtIn = (MultiLayerNetwork) SimpleCNN.builder().numClasses(5)
                .inputShape(new int[] {3, 32, 32}).build().init();
        randomizeStatistics(builtIn.getLayers());
        assertTrue(countLayers(builtIn.getLayers(), BatchNormalization.class) > 0);

        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        assertEquals(countLayers(builtIn.getLayers(), BatchNormalization.class),
                countLayers(swapped.getLayers(), BatchNorm.class));
        INDArray x = TestArrays.uniform(DataType.FLOAT, 53, 0, 1, 2, 3, 32, 32);
        assertClose(builtIn.output(x, false), swapped.output(x, false), FLOAT_TOLERANCE, "SimpleCNN output");
    }

    @Test
    void zooResNet50GivesTheSameOutputs() {
        ComputationGraph builtIn = (ComputationGraph) ResNet50.builder().numClasses(10).build().init();
        randomizeStatistics(builtIn.getLayers());
        int builtInCount = countLayers(builtIn.getLayers(), BatchNormalization.class);

        ComputationGraph swapped = BatchNormSwap.replaceBuiltIn(builtIn);

        assertEquals(53, builtInCount);
        assertEquals(builtInCount, countLayers(swapped.getLayers(), BatchNorm.class));
        assertFalse(countLayers(swapped.getLayers(), BatchNormalization.class) > 0);
        INDArray x = TestArrays.uniform(DataType.FLOAT, 54, 0, 1, 1, 3, 224, 224);
        assertClose(builtIn.outputSingle(false, x), swapped.outputSingle(false, x), FLOAT_TOLERANCE, "ResNet50 output");
    }
}
