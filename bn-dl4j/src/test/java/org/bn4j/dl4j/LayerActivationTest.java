package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A BN layer with an activation is BN followed by DL4J's {@code ActivationLayer} with that activation, forward and
 * backward, in training and inference: fused in bn-core for ReLU and leaky ReLU, through ND4J for the others.
 */
class LayerActivationTest {
    /** ReLU and leaky ReLU run in bn-core; tanh and sigmoid (non-zero at 0, so masks show) through ND4J. */
    private static final Activation[] ACTIVATIONS = {Activation.RELU, Activation.LEAKYRELU, Activation.TANH,
            Activation.SIGMOID};

    /** Options that change how BN trains, each with an activation. */
    enum Variant {
        PLAIN, FROZEN_STATISTICS, RENORM, GHOST_BATCHES;

        BatchNorm.Builder builder(InputKind kind) {
            BatchNorm.Builder b = new BatchNorm.Builder();
            switch (this) {
                case FROZEN_STATISTICS:
                    return b.frozenStatistics(true);
                case RENORM:
                    return b.renorm(1.5, 0.5);
                case GHOST_BATCHES:
                    return b.ghostBatchSize(kind.inputShape[0] == 6 ? 3 : 1);
                default:
                    return b;
            }
        }
    }

    static Stream<Arguments> kindsTypesActivationsVariants() {
        return Stream.of(InputKind.values()).flatMap(kind -> Stream.of(DataType.FLOAT, DataType.DOUBLE)
                .flatMap(type -> Stream.of(ACTIVATIONS).flatMap(act -> Stream.of(Variant.values())
                        .map(variant -> Arguments.of(kind, type, act, variant)))));
    }

    /** linear, bn, [extra], tanh, head: the network of {@link Networks#list} with one more layer after BN. */
    private static MultiLayerNetwork network(InputKind kind, Layer bn, Layer afterBn, DataType type) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(type).updater(new NoOp()).list()
                .layer(kind.linear())
                .layer(bn);
        if (afterBn != null) {
            list.layer(afterBn);
        }
        list.layer(new ActivationLayer.Builder().activation(Activation.TANH).build());
        for (Layer head : kind.head()) {
            list.layer(head);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(kind.inputType).build());
        net.init();
        return net;
    }

    private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(e[i]));
            assertTrue(Math.abs(e[i] - a[i]) <= allowed, what + " differs at " + i + ": " + e[i] + " vs " + a[i]);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("kindsTypesActivationsVariants")
    void layerEqualsBatchNormFollowedByAnActivationLayer(InputKind kind, DataType type, Activation act,
                                                         Variant variant) {
        Nd4j.setDefaultDataTypes(type, type);
        MultiLayerNetwork fused = network(kind, variant.builder(kind).activation(act).build(), null, type);
        MultiLayerNetwork separate = network(kind, variant.builder(kind).build(),
                new ActivationLayer.Builder().activation(act).build(), type);
        GradientCheckTest.Variant.FROZEN_STATISTICS.prepare(fused.getLayer(1).paramTable());
        separate.setParams(fused.params());
        // In double, ND4J's leaky ReLU gradient carries alpha 0.01 in float precision only (2e-8 off); bn-core exactly
        double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
        double gradientTolerance = type == DataType.DOUBLE ? 1e-8 : 1e-4;
        INDArray x = kind.features(type, 1);
        INDArray labels = kind.labels(type, 2);

        List<INDArray> fusedActs = fused.feedForward(x, true);
        List<INDArray> separateActs = separate.feedForward(x, true);
        assertClose(separateActs.get(3), fusedActs.get(2), tolerance, "training output");
        assertClose(separate.output(x, false), fused.output(x, false), tolerance, "inference output");

        for (MultiLayerNetwork net : List.of(fused, separate)) {
            net.setInput(x);
            net.setLabels(labels);
            net.computeGradientAndScore();
        }
        assertEquals(separate.score(), fused.score(), tolerance * Math.max(1, Math.abs(separate.score())), "score");
        assertClose(separate.gradient().gradient(), fused.gradient().gradient(), gradientTolerance, "gradients");
        assertClose(separate.params(), fused.params(), tolerance, "parameters and running statistics");
    }

    static Stream<Arguments> kindsWithActivations() {
        return Stream.of(InputKind.values()).flatMap(kind -> Stream.of(Activation.RELU, Activation.LEAKYRELU,
                Activation.TANH).map(act -> Arguments.of(kind, act)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsWithActivations")
    void gradientCheckPasses(InputKind kind, Activation act) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().activation(act).build(),
                DataType.DOUBLE, new NoOp());
        GradientCheckTest.randomizeGammaBeta(net.getLayer(1).paramTable(), false);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(kind.features(DataType.DOUBLE, 1)).labels(kind.labels(DataType.DOUBLE, 2))
                .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok, "gradient check failed for " + kind + " with " + act);
    }

    @Test
    void reluLeakyReluAndIdentityRunInBnCoreOthersThroughNd4j() {
        assertEquals(org.bn4j.core.Activation.IDENTITY, FusedActivation.of(new ActivationIdentity()));
        assertEquals(org.bn4j.core.Activation.RELU, FusedActivation.of(new ActivationReLU()));
        assertEquals(org.bn4j.core.Activation.leakyRelu(0.2), FusedActivation.of(new ActivationLReLU(0.2)));
        assertEquals(org.bn4j.core.Activation.leakyRelu(0.3), FusedActivation.of(new ActivationReLU(null, 0.0, 0.3)));
        assertEquals(null, FusedActivation.of(new ActivationReLU(6.0, null, null)), "ReLU6 has a maximum");
        assertEquals(null, FusedActivation.of(new ActivationLReLU(1.5)), "a slope above 1 is not max(v, a v)");
        assertEquals(null, FusedActivation.of(Activation.TANH.getActivationFunction()));
        BatchNorm relu = new BatchNorm.Builder().activation(Activation.RELU).build();
        assertEquals(org.bn4j.core.Activation.RELU, relu.toCoreConfig().activation());
        BatchNorm tanh = new BatchNorm.Builder().activation(Activation.TANH).build();
        assertEquals(org.bn4j.core.Activation.IDENTITY, tanh.toCoreConfig().activation(), "bn-core normalizes only");
    }

    @Test
    void theNetworksDefaultActivationDoesNotReachTheLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().activation(Activation.SIGMOID).list()
                .layer(new BatchNorm.Builder().build())
                .layer(new BatchNorm.Builder().activation(Activation.RELU).build())
                .setInputType(InputType.feedForward(3)).build();

        assertTrue(((BatchNorm) conf.getConf(0).getLayer()).appliedActivation() instanceof ActivationIdentity);
        assertTrue(((BatchNorm) conf.getConf(1).getLayer()).appliedActivation() instanceof ActivationReLU);
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "TANH"})
    void jsonRoundTripKeepsTheActivation(Activation act) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(InputKind.CNN_NCHW,
                new BatchNorm.Builder().activation(act).decay(0.7).build(), DataType.FLOAT, new NoOp());
        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());

        BatchNorm bn = (BatchNorm) restored.getConf(1).getLayer();
        assertEquals(net.getLayerWiseConfigurations().getConf(1).getLayer(), bn);
        assertEquals(act.getActivationFunction().getClass(), bn.appliedActivation().getClass());
        MultiLayerNetwork copy = new MultiLayerNetwork(restored);
        copy.init(net.params().dup(), false);
        INDArray x = InputKind.CNN_NCHW.features(DataType.FLOAT, 3);
        assertEquals(net.output(x, false), copy.output(x, false));
    }

    @Test
    void configurationSavedBeforeActivationsWereAppliedKeepsIgnoringIts() {
        MultiLayerConfiguration conf = Networks.list(InputKind.FEED_FORWARD,
                new BatchNorm.Builder().activation(Activation.SIGMOID).build(), DataType.FLOAT, new NoOp(),
                org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED).build();
        String legacy = conf.toJson().replaceAll(",?\\s*\"activationApplied\"\\s*:\\s*true", "");
        assertTrue(!legacy.contains("activationApplied"), "the field was removed");

        BatchNorm bn = (BatchNorm) MultiLayerConfiguration.fromJson(legacy).getConf(1).getLayer();

        assertTrue(bn.appliedActivation() instanceof ActivationIdentity, bn.appliedActivation().toString());
        assertEquals(org.bn4j.core.Activation.IDENTITY, bn.toCoreConfig().activation());
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "SIGMOID"})
    void maskedStepsStayZeroAndKeptStepsAreActivated(Activation act) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        int n = 3, c = 4, t = 5;
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE).updater(new NoOp()).list()
                .layer(new BatchNorm.Builder().activation(act).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.TANH)
                        .build())
                .setInputType(InputType.recurrent(c, t, RNNFormat.NCW)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray x = TestArrays.uniform(DataType.DOUBLE, 1, -2, 4, n, c, t);
        INDArray mask = Nd4j.ones(DataType.DOUBLE, n, t);
        mask.get(NDArrayIndex.point(1), NDArrayIndex.interval(3, t)).assign(0);

        for (boolean training : new boolean[] {true, false}) {
            net.setLayerMaskArrays(mask, null);
            INDArray y = net.feedForward(x, training).get(1);
            net.clearLayerMaskArrays();
            INDArray masked = y.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.interval(3, t));
            assertEquals(0, masked.norm1Number().doubleValue(), "masked steps, training " + training);
            INDArray kept = y.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.all());
            double lowest = kept.minNumber().doubleValue();
            assertTrue(act == Activation.RELU ? lowest >= 0 && kept.maxNumber().doubleValue() > 0 : lowest > 0,
                    "kept steps are activated, training " + training + ": lowest " + lowest);
        }
    }
}
