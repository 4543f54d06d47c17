package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.deeplearning4j.zoo.model.Darknet19;
import org.deeplearning4j.zoo.model.SimpleCNN;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class BatchNormFoldingTest {
    private static final double FLOAT_TOLERANCE = 1e-5;
    private static final double DOUBLE_TOLERANCE = 1e-10;

    /** The BN layers folding reads: bn4j's, and DL4J's built-in with either running-variance form. */
    enum BnKind {
        BN4J, BUILT_IN_LOG_STD, BUILT_IN_VAR;

        org.deeplearning4j.nn.conf.layers.Layer layer() {
            switch (this) {
                case BN4J:
                    return new BatchNorm.Builder().build();
                case BUILT_IN_LOG_STD:
                    return new BatchNormalization.Builder().useLogStd(true).build();
                default:
                    return new BatchNormalization.Builder().useLogStd(false).build();
            }
        }
    }

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? DOUBLE_TOLERANCE : FLOAT_TOLERANCE;
    }

    /** Dense or convolution (identity activation, with or without bias), BN, tanh, and a classifier. */
    private static MultiLayerNetwork linearBnTanh(InputKind kind, boolean bias,
                                                  org.deeplearning4j.nn.conf.layers.Layer bn,
                                                  DataType type) {
        Nd4j.setDefaultDataTypes(type, type);
        org.deeplearning4j.nn.conf.layers.Layer linear = kind == InputKind.FEED_FORWARD
                ? new DenseLayer.Builder().nOut(kind.channels).hasBias(bias).activation(Activation.IDENTITY).build()
                : new ConvolutionLayer.Builder(2, 2).nOut(kind.channels).hasBias(bias).activation(Activation.IDENTITY)
                        .dataFormat(kind == InputKind.CNN_NHWC ? CNN2DFormat.NHWC : CNN2DFormat.NCHW).build();
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(type)
                .updater(new Adam()).list()
                .layer(linear)
                .layer(bn)
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build());
        for (org.deeplearning4j.nn.conf.layers.Layer head : kind.head()) {
            list.layer(head);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(kind.inputType).build());
        net.init();
        randomize(net.getLayers(), 1000);
        return net;
    }

    /**
     * Trained-like parameters: biases, gamma, beta and running means away from 0, running std 0.5 to 2 (a
     * log10stdev in [-0.3, 0.3] for the built-in's log form), so that a wrong fold shows.
     */
    private static void randomize(Layer[] layers, long seed) {
        for (Layer layer : layers) {
            for (String key : layer.paramTable().keySet()) {
                INDArray param = layer.getParam(key);
                DataType type = param.dataType();
                long[] shape = param.shape();
                switch (key) {
                    case "b":
                    case "beta":
                    case "mean":
                        param.assign(TestArrays.uniform(type, seed++, -0.5, 0.5, shape));
                        break;
                    case "gamma":
                        param.assign(TestArrays.uniform(type, seed++, 0.5, 1.5, shape));
                        break;
                    case "var":
                        param.assign(TestArrays.uniform(type, seed++, 0.25, 4.0, shape));
                        break;
                    case "log10stdev":
                        param.assign(TestArrays.uniform(type, seed++, -0.3, 0.3, shape));
                        break;
                    default:
                        break;
                }
            }
        }
    }

    private static int countBatchNorms(Layer[] layers) {
        int count = 0;
        for (Layer layer : layers) {
            count += InferenceAffine.isBatchNorm(layer.conf().getLayer()) ? 1 : 0;
        }
        return count;
    }

    static Stream<Arguments> linearKinds() {
        return Stream.of(InputKind.FEED_FORWARD, InputKind.CNN_NCHW, InputKind.CNN_NHWC)
                .flatMap(kind -> Stream.of(BnKind.values()).flatMap(bn -> Stream.of(true, false).flatMap(bias -> Stream
                        .of(DataType.FLOAT, DataType.DOUBLE).map(type -> Arguments.of(kind, bn, bias, type)))));
    }

    @ParameterizedTest(name = "{0} {1} bias={2} {3}")
    @MethodSource("linearKinds")
    void foldedNetworkMatchesOriginalInInference(InputKind kind, BnKind bn, boolean bias, DataType type) {
        MultiLayerNetwork original = linearBnTanh(kind, bias, bn.layer(), type);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(original.getnLayers() - 1, folded.getnLayers());
        assertEquals(0, countBatchNorms(folded.getLayers()));
        INDArray x = kind.features(type, 7);
        // Up to BN, and up to the folded layer: the tanh layer after them works in place on its input
        INDArray bnOutput = original.feedForwardToLayer(1, x, false).get(2);
        INDArray foldedOutput = folded.feedForwardToLayer(0, x, false).get(1);
        assertClose(bnOutput, foldedOutput, tolerance(type), "BN output against the folded layer's output");
        assertClose(original.output(x, false), folded.output(x, false), tolerance(type), "network output");
    }

    static Stream<Arguments> linearKindsWithActivations() {
        return Stream.of(InputKind.FEED_FORWARD, InputKind.CNN_NCHW, InputKind.CNN_NHWC)
                .flatMap(kind -> Stream.of(Activation.RELU, Activation.SIGMOID).flatMap(
                        act -> Stream.of(DataType.FLOAT, DataType.DOUBLE).map(type -> Arguments.of(kind, act, type))));
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("linearKindsWithActivations")
    void batchNormsActivationMovesOntoTheLayerItFoldsInto(InputKind kind, Activation act, DataType type) {
        MultiLayerNetwork original = linearBnTanh(kind, true, new BatchNorm.Builder().activation(act).build(), type);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(0, countBatchNorms(folded.getLayers()));
        assertEquals(act.getActivationFunction().getClass(),
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) folded.getLayer(0).conf().getLayer()).getActivationFn()
                        .getClass());
        INDArray x = kind.features(type, 7);
        INDArray bnOutput = original.feedForwardToLayer(1, x, false).get(2);
        INDArray foldedOutput = folded.feedForwardToLayer(0, x, false).get(1);
        assertClose(bnOutput, foldedOutput, tolerance(type), "activated BN output against the folded layer's output");
        assertClose(original.output(x, false), folded.output(x, false), tolerance(type), "network output");
    }

    @Test
    void builtInBatchNormalizationsIgnoredActivationStaysIgnored() {
        MultiLayerNetwork original = linearBnTanh(InputKind.FEED_FORWARD, true,
                new BatchNormalization.Builder().activation(Activation.RELU).build(), DataType.FLOAT);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(org.nd4j.linalg.activations.impl.ActivationIdentity.class,
                ((org.deeplearning4j.nn.conf.layers.BaseLayer) folded.getLayer(0).conf().getLayer()).getActivationFn()
                        .getClass());
        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 7);
        assertClose(original.output(x, false), folded.output(x, false), FLOAT_TOLERANCE, "network output");
    }

    /** y = gamma * (x W + b - mean) / sqrt(var + eps) + beta, straight from the parameters, in double. */
    private static double[][] denseThenBatchNorm(MultiLayerNetwork net, INDArray x, boolean logStd) {
        INDArray w = net.getLayer(0).getParam("W");
        double[] b = net.getLayer(0).getParam("b").toDoubleVector();
        Layer bn = net.getLayer(1);
        double[] gamma = bn.getParam("gamma").toDoubleVector();
        double[] beta = bn.getParam("beta").toDoubleVector();
        double[] mean = bn.getParam("mean").toDoubleVector();
        double[] var = bn.getParam(logStd ? "log10stdev" : "var").toDoubleVector();
        double eps = bn.conf().getLayer() instanceof BatchNorm ? ((BatchNorm) bn.conf().getLayer()).getEps()
                : ((BatchNormalization) bn.conf().getLayer()).getEps();
        double[][] y = new double[(int) x.size(0)][b.length];
        for (int n = 0; n < y.length; n++) {
            for (int c = 0; c < b.length; c++) {
                double z = b[c];
                for (int i = 0; i < w.size(0); i++) {
                    z += x.getDouble(n, i) * w.getDouble(i, c);
                }
                double variance = logStd ? Math.pow(Math.pow(10, var[c]), 2) : var[c];
                y[n][c] = gamma[c] * (z - mean[c]) / Math.sqrt(variance + eps) + beta[c];
            }
        }
        return y;
    }

    @ParameterizedTest
    @EnumSource(BnKind.class)
    void foldedDenseLayerMatchesADoublePrecisionReference(BnKind bn) {
        MultiLayerNetwork original = linearBnTanh(InputKind.FEED_FORWARD, true, bn.layer(), DataType.DOUBLE);
        INDArray x = InputKind.FEED_FORWARD.features(DataType.DOUBLE, 8);
        double[][] expected = denseThenBatchNorm(original, x, bn == BnKind.BUILT_IN_LOG_STD);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertClose(Nd4j.createFromArray(expected), folded.feedForwardToLayer(0, x, false).get(1), DOUBLE_TOLERANCE,
                "folded dense output");
    }

    static Stream<Arguments> lockedGammaBeta() {
        // gamma 2, beta 0: DL4J's built-in then outputs the bare normalized value, bn4j's applies gamma
        return Stream.of(Arguments.of(false, 1.5, -0.25), Arguments.of(false, 2.0, 0.0),
                Arguments.of(true, 1.5, -0.25), Arguments.of(true, 2.0, 0.0));
    }

    @ParameterizedTest(name = "builtIn={0} gamma={1} beta={2}")
    @MethodSource("lockedGammaBeta")
    void lockedGammaAndBetaFoldAsTheLayerAppliesThem(boolean builtIn, double gamma, double beta) {
        org.deeplearning4j.nn.conf.layers.Layer bn = builtIn
                ? new BatchNormalization.Builder().lockGammaBeta(true).gamma(gamma).beta(beta).build()
                : new BatchNorm.Builder().lockGammaBeta(true).gamma(gamma).beta(beta).build();
        MultiLayerNetwork original = linearBnTanh(InputKind.CNN_NCHW, false, bn, DataType.FLOAT);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        INDArray x = InputKind.CNN_NCHW.features(DataType.FLOAT, 9);
        assertClose(original.feedForwardToLayer(1, x, false).get(2), folded.feedForwardToLayer(0, x, false).get(1),
                FLOAT_TOLERANCE, "BN output");
    }

    /**
     * conv (identity) -> BN (folds) -> relu -> dense (identity, behind a CNN-to-dense preprocessor) -> BN (folds)
     * -> dense (relu) -> BN (stays: an activation precedes it) -> output.
     */
    private static MultiLayerNetwork mixed() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).updater(new Adam())
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutional(5, 4, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomize(net.getLayers(), 2000);
        return net;
    }

    @Test
    void batchNormAfterAnActivationStaysAndPreprocessorsFollowTheirLayers() {
        MultiLayerNetwork original = mixed();

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(6, folded.getnLayers());
        assertEquals(1, countBatchNorms(folded.getLayers()));
        assertTrue(folded.getLayer(4).conf().getLayer() instanceof BatchNorm, "the BN after the relu dense layer");
        assertNotNull(folded.getLayerWiseConfigurations().getInputPreProcess(2),
                "the dense layer's CNN-to-dense preprocessor");
        INDArray x = TestArrays.uniform(DataType.FLOAT, 10, -1, 1, 4, 2, 5, 4);
        assertClose(original.output(x, false), folded.output(x, false), FLOAT_TOLERANCE, "network output");
    }

    @Test
    void firstLayerBatchNormStays() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).list()
                .layer(new BatchNorm.Builder().build())
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork original = new MultiLayerNetwork(conf);
        original.init();
        randomize(original.getLayers(), 3000);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(3, folded.getnLayers());
        assertTrue(folded.getLayer(0).conf().getLayer() instanceof BatchNorm);
        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 11);
        assertClose(original.output(x, false), folded.output(x, false), FLOAT_TOLERANCE, "network output");
    }

    @Test
    void networkWhoseBatchNormsCannotFoldIsCopied() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork original = new MultiLayerNetwork(conf);
        original.init();
        randomize(original.getLayers(), 4000);

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertFalse(folded == original, "a new network");
        assertEquals(original.params(), folded.params());
        INDArray x = InputKind.FEED_FORWARD.features(DataType.FLOAT, 12);
        assertEquals(original.output(x, false), folded.output(x, false));
    }

    @Test
    void originalNetworkIsUnchanged() {
        MultiLayerNetwork original = mixed();
        INDArray params = original.params().dup();
        String json = original.getLayerWiseConfigurations().toJson();

        BatchNormFolding.fold(original);

        assertEquals(params, original.params());
        assertEquals(json, original.getLayerWiseConfigurations().toJson());
    }

    @Test
    void foldedNetworkSurvivesSaveAndRestore(@TempDir Path dir) throws Exception {
        MultiLayerNetwork folded = BatchNormFolding
                .fold(linearBnTanh(InputKind.CNN_NHWC, false, BnKind.BN4J.layer(), DataType.FLOAT));
        File file = dir.resolve("folded.zip").toFile();

        ModelSerializer.writeModel(folded, file, false);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, false);

        INDArray x = InputKind.CNN_NHWC.features(DataType.FLOAT, 13);
        assertEquals(folded.output(x, false), restored.output(x, false));
    }

    @Test
    void networkWithoutBatchNormIsRejected() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.IDENTITY).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(net));
        assertTrue(e.getMessage().contains("no batch normalization layer"), e.getMessage());
    }

    @Test
    void graphWithoutBatchNormIsRejected() {
        ComputationGraph graph = new ComputationGraph(
                new NeuralNetConfiguration.Builder().graphBuilder().addInputs("in")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                                .activation(Activation.SOFTMAX).build(), "in")
                        .setOutputs("out").setInputTypes(InputType.feedForward(4)).build());
        graph.init();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNormFolding.fold(graph));
        assertTrue(e.getMessage().contains("graph has no batch normalization layer"), e.getMessage());
    }

    /**
     * in -> c0 (no bias) -> bn0 -> c1 -> bn1; merge(bn1, c1) -> relu -> pool -> out. bn0 folds; bn1 stays, since
     * c1's output also feeds the merge.
     */
    private static ComputationGraph branching(DataType type) {
        Nd4j.setDefaultDataTypes(type, type);
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).dataType(type)
                .convolutionMode(ConvolutionMode.Same).graphBuilder()
                .addInputs("in")
                .addLayer("c0",
                        new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false).activation(Activation.IDENTITY)
                                .build(),
                        "in")
                .addLayer("bn0", new BatchNorm.Builder().build(), "c0")
                .addLayer("c1", new ConvolutionLayer.Builder(1, 1).nOut(3).activation(Activation.IDENTITY).build(),
                        "bn0")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addVertex("merge", new MergeVertex(), "bn1", "c1")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.RELU).build(), "merge")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "act")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").setInputTypes(InputType.convolutional(5, 4, 2)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        randomize(graph.getLayers(), 5000);
        return graph;
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void graphFoldsOnlyWhereTheConvolutionFeedsNothingButTheBatchNorm(DataType type) {
        ComputationGraph original = branching(type);

        ComputationGraph folded = BatchNormFolding.fold(original);

        assertNull(folded.getVertex("bn0"));
        assertNotNull(folded.getVertex("bn1"), "c1 also feeds the merge: bn1 stays");
        assertEquals(original.getLayers().length - 1, folded.getLayers().length);
        assertEquals(List.of("c0"), folded.getConfiguration().getVertexInputs().get("c1"));
        INDArray x = TestArrays.uniform(type, 14, -1, 1, 3, 2, 5, 4);
        assertClose(original.feedForward(x, false).get("bn0"), folded.feedForward(x, false).get("c0"), tolerance(type),
                "bn0 against c0");
        assertClose(original.outputSingle(false, x), folded.outputSingle(false, x), tolerance(type), "graph output");
    }

    @Test
    void originalGraphIsUnchanged() {
        ComputationGraph original = branching(DataType.FLOAT);
        INDArray params = original.params().dup();
        String json = original.getConfiguration().toJson();

        BatchNormFolding.fold(original);

        assertEquals(params, original.params());
        assertEquals(json, original.getConfiguration().toJson());
    }

    @Test
    void foldedGraphSurvivesSaveAndRestore(@TempDir Path dir) throws Exception {
        ComputationGraph folded = BatchNormFolding.fold(branching(DataType.FLOAT));
        File file = dir.resolve("folded.zip").toFile();

        ModelSerializer.writeModel(folded, file, false);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, false);

        INDArray x = TestArrays.uniform(DataType.FLOAT, 15, -1, 1, 3, 2, 5, 4);
        assertEquals(folded.outputSingle(false, x), restored.outputSingle(false, x));
    }

    @Test
    void zooSimpleCnnFoldsEveryBatchNorm() {
        MultiLayerNetwork original = (MultiLayerNetwork) SimpleCNN.builder().numClasses(5)
                .inputShape(new int[] {3, 32, 32})
                .build().init();
        randomize(original.getLayers(), 6000);
        int batchNorms = countBatchNorms(original.getLayers());

        MultiLayerNetwork folded = BatchNormFolding.fold(original);

        assertEquals(9, batchNorms);
        assertEquals(0, countBatchNorms(folded.getLayers()));
        assertEquals(original.getnLayers() - batchNorms, folded.getnLayers());
        INDArray x = TestArrays.uniform(DataType.FLOAT, 16, 0, 1, 2, 3, 32, 32);
        assertClose(original.output(x, false), folded.output(x, false), FLOAT_TOLERANCE, "SimpleCNN output");
    }

    @Test
    void zooDarknet19GraphFoldsEveryBatchNormIntoBiasFreeConvolutions() {
        ComputationGraph original = (ComputationGraph) Darknet19.builder().numClasses(5)
                .inputShape(new int[] {3, 64, 64})
                .build().init();
        randomize(original.getLayers(), 7000);
        int batchNorms = countBatchNorms(original.getLayers());

        ComputationGraph folded = BatchNormFolding.fold(original);

        assertEquals(18, batchNorms);
        assertEquals(0, countBatchNorms(folded.getLayers()));
        assertEquals(original.getLayers().length - batchNorms, folded.getLayers().length);
        INDArray x = TestArrays.uniform(DataType.FLOAT, 17, 0, 1, 1, 3, 64, 64);
        assertClose(original.outputSingle(false, x), folded.outputSingle(false, x), FLOAT_TOLERANCE,
                "Darknet19 output");
    }
}
