package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.stream.Stream;
import org.bn4j.core.ReferenceBatchNorm;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The layer on whatever backend ND4J loaded, against {@link ReferenceBatchNorm} computed in plain Java on the host:
 * training and inference outputs, the input gradient and the running statistics after training steps, in which
 * DL4J's ops (the layers around BN, the updater) run on the backend between bn4j's host computations.
 *
 * <p>It runs in every build on the CPU backend. {@code mvn -B -Pcuda -pl bn-dl4j -am test} runs it alone on DL4J's
 * CUDA backend (the profile sets {@code bn4j.gpuBackend}); there it is skipped, saying why, when ND4J cannot load
 * that backend.
 */
class GpuBackendEquivalenceTest {
    private static final double DECAY = 0.5;

    /** Why the GPU backend cannot be checked, when asked to check it; null to run. */
    private static String skipped;

    @BeforeAll
    static void backend() {
        skipped = Boolean.getBoolean("bn4j.gpuBackend") ? gpuUnavailable() : null;
        if (skipped != null) {
            System.out.println("GpuBackendEquivalenceTest skipped: " + skipped);
        }
    }

    @BeforeEach
    void onTheBackendAskedFor() {
        assumeTrue(skipped == null, skipped);
    }

    /** @return why the GPU backend cannot be checked here, or null if ND4J runs on it */
    private static String gpuUnavailable() {
        try {
            Class.forName("org.nd4j.linalg.jcublas.JCublasBackend");
        } catch (ClassNotFoundException e) {
            return "the CUDA backend artifact (org.nd4j:nd4j-cuda-11.6) is not on the classpath";
        }
        try {
            return Nd4j.getEnvironment().isCPU() ? "ND4J loaded its CPU backend, not the CUDA one" : null;
        } catch (Throwable e) {
            return "ND4J could not load its CUDA backend (no CUDA 11.6 GPU and driver?): " + e;
        }
    }

    static Stream<Arguments> layouts() {
        return Stream.of(InputKind.values()).flatMap(kind -> Stream.of(
                Arguments.of(kind, DataType.FLOAT, 1e-5), Arguments.of(kind, DataType.DOUBLE, 1e-10)));
    }

    private static int channelAxis(InputKind kind) {
        switch (kind) {
            case CNN_NHWC:
                return 3;
            case RNN_NWC:
                return 2;
            case CNN3D_NDHWC:
                return 4;
            default:
                return 1;
        }
    }

    private static double[] values(INDArray a) {
        return a.castTo(DataType.DOUBLE).dup('c').data().asDouble();
    }

    private static double[] param(Layer bn, String key) {
        return values(bn.getParam(key));
    }

    private static MultiLayerNetwork trainedTwice(InputKind kind, DataType type) {
        Nd4j.setDefaultDataTypes(type, type);
        MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().decay(DECAY).build(), type,
                new Sgd(0.1));
        for (int step = 0; step < 2; step++) {
            net.fit(kind.features(type, step), kind.labels(type, step));
        }
        return net;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("layouts")
    void forwardPassesMatchTheHostReference(InputKind kind, DataType type, double tolerance) {
        MultiLayerNetwork net = trainedTwice(kind, type);
        Layer bn = net.getLayer(1);
        INDArray x = kind.features(type, 7);

        // Up to BN only: in inference DL4J lets the next layer overwrite its input in place.
        List<INDArray> training = net.feedForwardToLayer(1, x, true);
        List<INDArray> inference = net.feedForwardToLayer(1, x, false);

        double[] in = values(training.get(1));
        ReferenceBatchNorm ref = new ReferenceBatchNorm(training.get(1).shape(), channelAxis(kind));
        double[] gamma = param(bn, BatchNormParamInitializer.GAMMA);
        double[] beta = param(bn, BatchNormParamInitializer.BETA);
        double eps = ((BatchNorm) bn.conf().getLayer()).getEps();
        assertArrayEquals(ref.forwardTraining(in, gamma, beta, eps), values(training.get(2)), tolerance, "training");
        assertArrayEquals(ref.normalize(values(inference.get(1)), param(bn, BatchNormParamInitializer.MEAN),
                param(bn, BatchNormParamInitializer.VAR), gamma, beta, eps), values(inference.get(2)),
                tolerance, "inference");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("layouts")
    void aTrainingStepUpdatesTheRunningStatisticsAsTheHostReference(InputKind kind, DataType type, double tolerance) {
        MultiLayerNetwork net = trainedTwice(kind, type);
        Layer bn = net.getLayer(1);
        INDArray x = kind.features(type, 8);
        double[] mean = param(bn, BatchNormParamInitializer.MEAN);
        double[] var = param(bn, BatchNormParamInitializer.VAR);
        INDArray in = net.feedForwardToLayer(0, x, true).get(1);
        ReferenceBatchNorm ref = new ReferenceBatchNorm(in.shape(), channelAxis(kind));
        double[] batchMean = ref.mean(values(in));
        double[] batchVar = ref.biasedVar(values(in));

        net.fit(x, kind.labels(type, 8));

        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] = DECAY * mean[ch] + (1 - DECAY) * batchMean[ch];
            var[ch] = DECAY * var[ch] + (1 - DECAY) * batchVar[ch];
        }
        assertArrayEquals(mean, param(bn, BatchNormParamInitializer.MEAN), tolerance, "running mean");
        assertArrayEquals(var, param(bn, BatchNormParamInitializer.VAR), tolerance, "running variance");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("layouts")
    void backpropMatchesTheHostReference(InputKind kind, DataType type, double tolerance) {
        MultiLayerNetwork net = trainedTwice(kind, type);
        Layer bn = net.getLayer(1);
        INDArray in = net.feedForwardToLayer(0, kind.features(type, 9), true).get(1).dup();
        INDArray dy = TestArrays.uniform(type, 10, -1, 1, in.shape());
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();

        bn.setInput(in, noWorkspaces);
        bn.activate(true, noWorkspaces);
        Pair<Gradient, INDArray> result = bn.backpropGradient(dy, noWorkspaces);

        ReferenceBatchNorm ref = new ReferenceBatchNorm(in.shape(), channelAxis(kind));
        double[] gamma = param(bn, BatchNormParamInitializer.GAMMA);
        double eps = ((BatchNorm) bn.conf().getLayer()).getEps();
        double[][] expected = ref.backward(values(in), values(dy), gamma, eps);
        assertArrayEquals(expected[0], values(result.getSecond()), tolerance, "input gradient");
        assertArrayEquals(expected[1], values(result.getFirst().getGradientFor(BatchNormParamInitializer.GAMMA)),
                tolerance * in.length(), "gamma gradient");
    }
}
