package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Where the semantics match (rank 2 and 4 inputs, default options), the layer is DL4J's built-in
 * {@link BatchNormalization} to within 1e-5 in float and 1e-10 in double.
 */
class EquivalenceWithBuiltInTest {
    private static final int BN = 1;

    static Stream<Arguments> cases() {
        return Stream.of(InputKind.FEED_FORWARD, InputKind.CNN_NCHW, InputKind.CNN_NHWC)
                .flatMap(kind -> Stream.of(Arguments.of(kind, DataType.FLOAT), Arguments.of(kind, DataType.DOUBLE)));
    }

    private static double tolerance(DataType type) {
        return type == DataType.DOUBLE ? 1e-10 : 1e-5;
    }

    /** Two networks that differ only in their BN layer, with the same parameters. */
    private static MultiLayerNetwork[] pair(InputKind kind, DataType type) {
        Nd4j.setDefaultDataTypes(type, type);
        MultiLayerNetwork builtIn = Networks.multiLayer(kind, new BatchNormalization.Builder().build(), type,
                new Sgd(0.1));
        MultiLayerNetwork ours = Networks.multiLayer(kind, new BatchNorm.Builder().build(), type, new Sgd(0.1));
        builtIn.getLayer(BN).getParam("gamma").assign(TestArrays.uniform(type, 3, 0.5, 1.5, kind.channels));
        builtIn.getLayer(BN).getParam("beta").assign(TestArrays.uniform(type, 4, -0.5, 0.5, kind.channels));
        for (int i = 0; i < builtIn.getnLayers(); i++) {
            if (i != BN && builtIn.getLayer(i).numParams() > 0) {
                ours.getLayer(i).setParams(builtIn.getLayer(i).params().dup());
            }
        }
        ours.getLayer(BN).getParam("gamma").assign(builtIn.getLayer(BN).getParam("gamma"));
        ours.getLayer(BN).getParam("beta").assign(builtIn.getLayer(BN).getParam("beta"));
        return new MultiLayerNetwork[] {builtIn, ours};
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void trainingModeOutputMatches(InputKind kind, DataType type) {
        MultiLayerNetwork[] nets = pair(kind, type);
        INDArray x = kind.features(type, 1);

        INDArray expected = nets[0].feedForward(x, true).get(BN + 1);
        INDArray actual = nets[1].feedForward(x, true).get(BN + 1);

        assertClose(expected, actual, tolerance(type), "training-mode output");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void inputAndParameterGradientsMatch(InputKind kind, DataType type) {
        MultiLayerNetwork[] nets = pair(kind, type);
        INDArray x = kind.features(type, 1);
        INDArray labels = kind.labels(type, 2);

        Pair<Gradient, INDArray> expected = nets[0].calculateGradients(x, labels, null, null);
        Pair<Gradient, INDArray> actual = nets[1].calculateGradients(x, labels, null, null);

        assertClose(expected.getSecond(), actual.getSecond(), tolerance(type), "gradient with respect to the input");
        for (String key : new String[] {"0_W", "1_gamma", "1_beta"}) {
            assertClose(expected.getFirst().getGradientFor(key), actual.getFirst().getGradientFor(key), tolerance(type),
                    key);
        }
        // The built-in sends its running-mean update as a gradient (old - new); bn4j writes the new mean in place.
        INDArray builtInMean = nets[0].getLayer(BN).getParam("mean").sub(expected.getFirst().getGradientFor("1_mean"));
        assertClose(builtInMean, nets[1].getLayer(BN).getParam("mean"), tolerance(type), "running mean after backprop");
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void parametersRunningStatisticsAndInferenceMatchAfterFiveFitSteps(InputKind kind, DataType type) {
        MultiLayerNetwork[] nets = pair(kind, type);
        for (int step = 0; step < 5; step++) {
            INDArray x = kind.features(type, 10 + step);
            INDArray labels = kind.labels(type, 20 + step);
            nets[0].fit(x, labels);
            nets[1].fit(x, labels);
        }

        org.deeplearning4j.nn.api.Layer builtIn = nets[0].getLayer(BN);
        org.deeplearning4j.nn.api.Layer ours = nets[1].getLayer(BN);
        assertEquals(5, nets[1].getIterationCount());
        assertClose(builtIn.getParam("mean"), ours.getParam("mean"), tolerance(type), "running mean");
        INDArray builtInVar = Transforms
                .pow(Transforms.pow(Nd4j.valueArrayOf(builtIn.getParam("log10stdev").shape(), 10.0, type),
                        builtIn.getParam("log10stdev")), 2);
        assertClose(builtInVar, ours.getParam("var"), tolerance(type), "running variance");
        assertClose(builtIn.getParam("gamma"), ours.getParam("gamma"), tolerance(type), "gamma");
        assertClose(builtIn.getParam("beta"), ours.getParam("beta"), tolerance(type), "beta");

        INDArray x = kind.features(type, 99);
        assertClose(nets[0].output(x, false), nets[1].output(x, false), tolerance(type), "inference output");
    }

    static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
        if (expected == null || actual == null) {
            fail(what + ": missing (" + expected + ", " + actual + ")");
        }
        double[] e = expected.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] a = actual.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        assertEquals(e.length, a.length, what + ": length");
        for (int i = 0; i < e.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(e[i]));
            if (!(Math.abs(e[i] - a[i]) <= allowed)) {
                fail(what + " differs at " + i + ": expected " + e[i] + ", bn4j " + a[i] + " (allowed " + allowed
                        + ")");
            }
        }
    }
}
