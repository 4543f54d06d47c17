package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.inputs.InputType;
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
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** DL4J's own GradientCheckUtil, in double precision, with the running statistics excluded. */
class GradientCheckTest {
    private static final double EPSILON = 1e-6;
    private static final double MAX_REL_ERROR = 1e-5;
    private static final double MIN_ABS_ERROR = 1e-9;

    @BeforeEach
    void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static Stream<Arguments> kindsWithLocking() {
        return Stream.of(InputKind.values()).flatMap(k -> Stream.of(Arguments.of(k, false), Arguments.of(k, true)));
    }

    private static BatchNorm bn(InputKind kind, boolean locked) {
        return locked ? new BatchNorm.Builder().lockGammaBeta(true).gamma(1.5).beta(-0.25).build() : new BatchNorm.Builder().build();
    }

    @ParameterizedTest(name = "{0}, locked gamma/beta {1}")
    @MethodSource("kindsWithLocking")
    void multiLayerNetworkPasses(InputKind kind, boolean locked) {
        MultiLayerNetwork net = Networks.multiLayer(kind, bn(kind, locked), DataType.DOUBLE, new NoOp());
        randomizeGammaBeta(net.getLayer(1).paramTable(), locked);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(kind.features(DataType.DOUBLE, 1)).labels(kind.labels(DataType.DOUBLE, 2))
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok, "gradient check failed for " + kind + (locked ? " with locked gamma/beta" : ""));
    }

    @ParameterizedTest(name = "{0}, locked gamma/beta {1}")
    @MethodSource("kindsWithLocking")
    void computationGraphPasses(InputKind kind, boolean locked) {
        ComputationGraph net = Networks.graph(kind, bn(kind, locked), DataType.DOUBLE, new NoOp());
        randomizeGammaBeta(net.getLayer("bn").paramTable(), locked);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {kind.features(DataType.DOUBLE, 1)})
                .labels(new INDArray[] {kind.labels(DataType.DOUBLE, 2)})
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok, "gradient check failed for " + kind + (locked ? " with locked gamma/beta" : ""));
    }

    @Test
    void deepNetWithBatchNormBeforeEveryNonlinearityPasses() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nOut(5).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().nOut(4).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().decay(0.5).eps(1e-3).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomizeGammaBeta(net.getLayer(1).paramTable(), false);
        randomizeGammaBeta(net.getLayer(4).paramTable(), false);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(InputKind.FEED_FORWARD.features(DataType.DOUBLE, 3)).labels(InputKind.FEED_FORWARD.labels(DataType.DOUBLE, 4))
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok);
    }

    /** Gamma 1 and beta 0 would hide errors that scale with them. */
    static void randomizeGammaBeta(java.util.Map<String, INDArray> bnParams, boolean locked) {
        if (locked) {
            return;
        }
        long channels = bnParams.get(BatchNormParamInitializer.GAMMA).length();
        bnParams.get(BatchNormParamInitializer.GAMMA).assign(TestArrays.uniform(DataType.DOUBLE, 7, 0.5, 1.5, channels));
        bnParams.get(BatchNormParamInitializer.BETA).assign(TestArrays.uniform(DataType.DOUBLE, 8, -0.5, 0.5, channels));
    }
}
