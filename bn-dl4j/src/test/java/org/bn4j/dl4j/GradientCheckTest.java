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
        return locked ? new BatchNorm.Builder().lockGammaBeta(true).gamma(1.5).beta(-0.25).build()
                : new BatchNorm.Builder().build();
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
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE)
                .updater(new NoOp()).list()
                .layer(new DenseLayer.Builder().nOut(5).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build())
                .layer(new DenseLayer.Builder().nOut(4).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().decay(0.5).eps(1e-3).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        randomizeGammaBeta(net.getLayer(1).paramTable(), false);
        randomizeGammaBeta(net.getLayer(4).paramTable(), false);

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(InputKind.FEED_FORWARD.features(DataType.DOUBLE, 3))
                .labels(InputKind.FEED_FORWARD.labels(DataType.DOUBLE, 4))
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet())));

        assertTrue(ok);
    }

    /** The variants beyond plain BN that train, each set up so that a gradient check is meaningful. */
    enum Variant {
        /**
         * Running statistics far from the batch's clip r to 1/rMax and d to -dMax in every channel: there r and d are
         * locally constant, so the numerical gradient is the paper's (unclipped, they depend on x, and the paper's
         * gradient deliberately ignores that).
         */
        RENORM_CLIPPED, GHOST_BATCHES, FROZEN_STATISTICS, FROZEN_STATISTICS_AND_GAMMA_BETA;

        BatchNorm bn(InputKind kind) {
            switch (this) {
                case RENORM_CLIPPED:
                    return new BatchNorm.Builder().renorm(1.5, 0.5).build();
                case GHOST_BATCHES:
                    // The batch is 6 for feed-forward input (ghosts of 3), 2 or 3 otherwise (ghosts of 1 example)
                    return new BatchNorm.Builder().ghostBatchSize(kind.inputShape[0] == 6 ? 3 : 1).build();
                case FROZEN_STATISTICS:
                    return new BatchNorm.Builder().frozenStatistics(true).build();
                default:
                    return new BatchNorm.Builder().frozenStatistics(true).frozenGammaBeta(true).build();
            }
        }

        void prepare(java.util.Map<String, INDArray> bnParams) {
            randomizeGammaBeta(bnParams, false);
            long channels = bnParams.get(BatchNormParamInitializer.MEAN).length();
            if (this == RENORM_CLIPPED) {
                bnParams.get(BatchNormParamInitializer.MEAN).assign(100);
                bnParams.get(BatchNormParamInitializer.VAR).assign(900);
            } else if (this != GHOST_BATCHES) {
                bnParams.get(BatchNormParamInitializer.MEAN)
                        .assign(TestArrays.uniform(DataType.DOUBLE, 9, -0.5, 0.5, channels));
                bnParams.get(BatchNormParamInitializer.VAR)
                        .assign(TestArrays.uniform(DataType.DOUBLE, 10, 0.5, 2, channels));
            }
        }

        /** Frozen gamma and beta have zero gradients by design; only the input gradient is checked through them. */
        java.util.Set<String> excluded(java.util.Set<String> paramKeys) {
            java.util.Set<String> keys = Networks.runningStatKeys(paramKeys);
            if (this == FROZEN_STATISTICS_AND_GAMMA_BETA) {
                keys.add("1_" + BatchNormParamInitializer.GAMMA);
                keys.add("1_" + BatchNormParamInitializer.BETA);
            }
            return keys;
        }
    }

    static Stream<Arguments> kindsWithVariants() {
        return Stream.of(InputKind.values()).flatMap(k -> Stream.of(Variant.values()).map(v -> Arguments.of(k, v)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("kindsWithVariants")
    void variantsPass(InputKind kind, Variant variant) {
        MultiLayerNetwork net = Networks.multiLayer(kind, variant.bn(kind), DataType.DOUBLE, new NoOp());
        variant.prepare(net.getLayer(1).paramTable());

        boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(kind.features(DataType.DOUBLE, 1)).labels(kind.labels(DataType.DOUBLE, 2))
                .epsilon(EPSILON).maxRelError(MAX_REL_ERROR).minAbsoluteError(MIN_ABS_ERROR)
                .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(variant.excluded(net.paramTable().keySet())));

        assertTrue(ok, "gradient check failed for " + kind + " with " + variant);
    }

    /** Gamma 1 and beta 0 would hide errors that scale with them. */
    static void randomizeGammaBeta(java.util.Map<String, INDArray> bnParams, boolean locked) {
        if (locked) {
            return;
        }
        long channels = bnParams.get(BatchNormParamInitializer.GAMMA).length();
        bnParams.get(BatchNormParamInitializer.GAMMA)
                .assign(TestArrays.uniform(DataType.DOUBLE, 7, 0.5, 1.5, channels));
        bnParams.get(BatchNormParamInitializer.BETA)
                .assign(TestArrays.uniform(DataType.DOUBLE, 8, -0.5, 0.5, channels));
    }
}
