package org.bn4j.core;

import static org.bn4j.core.Tolerances.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.bn4j.core.loops.LeakyRelu;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An activation fused into the normalizing and gradient passes gives exactly what plain batch normalization followed
 * by a separate activation gives: the same normalized values, rounded the same way, on the same side of the kink.
 */
class ActivationTest {
    private static final Activation[] FUSED = {Activation.RELU, Activation.leakyRelu(0.2)};

    static Stream<Arguments> shapesTypesActivations() {
        return Shapes.withDataTypes().flatMap(a -> Stream.of(FUSED)
                .map(act -> Arguments.of(a.get()[0], a.get()[1], act)));
    }

    private static BatchNormalizer plain(Shape shape, boolean renormGhosts) {
        return renormGhosts ? TestData.renormWithGhostBatches(shape) : new BatchNormalizer(BatchNormConfig.defaults());
    }

    private static BatchNormalizer activated(Shape shape, boolean renormGhosts, Activation act) {
        BatchNormConfig config = plain(shape, renormGhosts).config();
        return new BatchNormalizer(config.toBuilder().activation(act).build());
    }

    private static boolean isFloat(DataType type) {
        return type.tolerance == Tolerances.F32;
    }

    /** @return act applied to each value in the data type's arithmetic, as a separate pass would compute it */
    private static double[] activatedValues(double[] v, Activation act, DataType type) {
        double[] out = new double[v.length];
        double slope = act.negativeSlope();
        for (int i = 0; i < v.length; i++) {
            out[i] = isFloat(type) ? LeakyRelu.activated((float) v[i], (float) slope) : act.apply(v[i]);
        }
        return out;
    }

    /** @return the gradient with respect to the normalized values v, as a separate activation layer's backprop gives */
    private static double[] gatedGradient(double[] v, double[] dy, Activation act, DataType type) {
        double[] out = new double[v.length];
        double slope = act.negativeSlope();
        for (int i = 0; i < v.length; i++) {
            out[i] = isFloat(type) ? LeakyRelu.gated((float) v[i], (float) dy[i], (float) slope)
                    : act.gradient(v[i], dy[i]);
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapesTypesActivations")
    void trainingForwardEqualsPlainOutputThenActivationBitForBit(Shape shape, DataType type, Activation act) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        for (boolean renormGhosts : new boolean[] {false, true}) {
            DataType.Forward plain = type.forwardTraining(plain(shape, renormGhosts), x, shape, in.gamma(), in.beta(),
                    in.running());

            DataType.Forward fused = type.forwardTraining(activated(shape, renormGhosts, act), x, shape, in.gamma(),
                    in.beta(), in.running());

            assertArrayEquals(activatedValues(plain.y(), act, type), fused.y(), "renorm and ghosts: " + renormGhosts);
            assertArrayEquals(plain.stats().mean(), fused.stats().mean(), "the statistics are those of x");
            assertArrayEquals(plain.stats().biasedVar(), fused.stats().biasedVar(), "the statistics are those of x");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapesTypesActivations")
    void inferenceForwardEqualsPlainOutputThenActivationBitForBit(Shape shape, DataType type, Activation act) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        double[] plain = type.forwardInference(plain(shape, false), x, shape, in.gamma(), in.beta(), in.running());

        double[] fused = type.forwardInference(activated(shape, false, act), x, shape, in.gamma(), in.beta(),
                in.running());

        assertArrayEquals(activatedValues(plain, act, type), fused);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapesTypesActivations")
    void trainingBackwardEqualsPlainBackwardOfTheGatedGradientBitForBit(Shape shape, DataType type, Activation act) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        double[] dy = type.representable(in.dy());
        for (boolean renormGhosts : new boolean[] {false, true}) {
            BatchNormalizer plain = plain(shape, renormGhosts);
            DataType.Forward forward = type.forwardTraining(plain, x, shape, in.gamma(), in.beta(), in.running());
            DataType.Backward expected = type.backward(plain, x, gatedGradient(forward.y(), dy, act, type), shape,
                    in.gamma(), in.beta(), forward.stats());

            DataType.Backward fused = type.backward(activated(shape, renormGhosts, act), x, dy, shape, in.gamma(),
                    in.beta(), forward.stats());

            String where = "renorm and ghosts: " + renormGhosts;
            assertArrayEquals(expected.dx(), fused.dx(), where);
            assertArrayEquals(expected.grads().dGamma(), fused.grads().dGamma(), where);
            assertArrayEquals(expected.grads().dBeta(), fused.grads().dBeta(), where);
            assertEquals(expected.grads().inputGradientBound(), fused.grads().inputGradientBound(), where);
        }
    }

    /**
     * As {@link #trainingBackwardEqualsPlainBackwardOfTheGatedGradientBitForBit}, with three values in four a few units in
     * the last place from a pivot per channel and beta putting the kink at the pivot, so that the rounding of the
     * forward pass, not the spread of the data, decides each of those values' side.
     */
    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("shapesTypesActivations")
    void trainingBackwardGatesValuesAtTheKinkAsTheForwardOutputShows(Shape shape, DataType type, Activation act) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        double[] dy = type.representable(in.dy());
        double[] pivot = new double[shape.channels()];
        Arrays.fill(pivot, Double.NaN);
        boolean[] clustered = new boolean[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = shape.channelOf(i);
            if (Double.isNaN(pivot[ch])) {
                pivot[ch] = x[i];
            } else if (i % 4 != 0) {
                x[i] = stepsFrom(pivot[ch], i % 11 - 5, type);
                clustered[i] = true;
            }
        }
        BatchNormalizer plain = plain(shape, false);
        BatchStats stats = type.forwardTraining(plain, x, shape, in.gamma(), in.beta()).stats();
        double[] beta = new double[pivot.length];
        for (int ch = 0; ch < beta.length; ch++) {
            double invStd = 1 / Math.sqrt(stats.biasedVar()[ch] + plain.config().eps());
            beta[ch] = -in.gamma()[ch] * (pivot[ch] - stats.mean()[ch]) * invStd;
        }
        DataType.Forward forward = type.forwardTraining(plain, x, shape, in.gamma(), beta);
        DataType.Backward expected = type.backward(plain, x, gatedGradient(forward.y(), dy, act, type), shape,
                in.gamma(), beta, forward.stats());

        DataType.Backward fused = type.backward(activated(shape, false, act), x, dy, shape, in.gamma(), beta,
                forward.stats());

        assertArrayEquals(expected.dx(), fused.dx());
        assertArrayEquals(expected.grads().dGamma(), fused.grads().dGamma());
        assertArrayEquals(expected.grads().dBeta(), fused.grads().dBeta());
        int above = 0, atKink = 0;
        for (int i = 0; i < x.length; i++) {
            if (clustered[i]) {
                atKink++;
                above += forward.y()[i] > 0 ? 1 : 0;
            }
        }
        if (atKink >= 20) {   // the test's own check: enough values at the kink, on both sides, to show a wrong side
            assertTrue(above > 0 && above < atKink, above + " of " + atKink + " values at the kink above zero");
        }
    }

    /** @return v moved {@code steps} representable values of the type up (down when negative) */
    private static double stepsFrom(double v, int steps, DataType type) {
        double out = v;
        for (int i = 0; i < Math.abs(steps); i++) {
            out = isFloat(type) ? (steps > 0 ? Math.nextUp((float) out) : Math.nextDown((float) out))
                    : (steps > 0 ? Math.nextUp(out) : Math.nextDown(out));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void inferenceBackwardEqualsPlainBackwardOfTheGatedGradientBitForBit(Shape shape, DataType type) {
        if (type != DataType.FLOAT && type != DataType.DOUBLE) {
            return;   // backwardInference's storage variants share the kernels that the training tests cover
        }
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        double[] dy = type.representable(in.dy());
        Activation act = Activation.leakyRelu(0.1);
        double[] y = type.forwardInference(plain(shape, false), x, shape, in.gamma(), in.beta(), in.running());
        double[] gated = gatedGradient(y, dy, act, type);
        BatchNormalizer fused = activated(shape, false, act);
        double[][] expected = new double[2][];
        double[][] actual = new double[2][];
        if (type == DataType.FLOAT) {
            float[] dx = new float[x.length];
            float[] fusedDx = new float[x.length];
            ParamGradients e = plain(shape, false).backwardInference(Values.of(TestData.toFloat(x)),
                    Values.of(TestData.toFloat(gated)),
                    shape, in.gamma(), in.beta(), in.running(), Values.of(dx));
            ParamGradients a = fused.backwardInference(Values.of(TestData.toFloat(x)), Values.of(TestData.toFloat(dy)),
                    shape, in.gamma(),
                    in.beta(), in.running(), Values.of(fusedDx));
            expected = new double[][] {TestData.toDouble(dx), e.dGamma(), e.dBeta()};
            actual = new double[][] {TestData.toDouble(fusedDx), a.dGamma(), a.dBeta()};
        } else {
            double[] dx = new double[x.length];
            double[] fusedDx = new double[x.length];
            ParamGradients e = plain(shape, false).backwardInference(Values.of(x), Values.of(gated), shape, in.gamma(),
                    in.beta(), in.running(), Values.of(dx));
            ParamGradients a = fused.backwardInference(Values.of(x), Values.of(dy), shape, in.gamma(), in.beta(),
                    in.running(), Values.of(fusedDx));
            expected = new double[][] {dx, e.dGamma(), e.dBeta()};
            actual = new double[][] {fusedDx, a.dGamma(), a.dBeta()};
        }
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(expected[i], actual[i], "result " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.bn4j.core.Shapes#small")
    void gradientsMatchCentralFiniteDifferences(Shape shape) {
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] weights = TestData.uniform(shape.size(), -1, 1, 6);   // loss = sum(weights * y)
        double[] gamma = TestData.uniform(shape.channels(), 0.5, 2, 1);
        double[] beta = TestData.uniform(shape.channels(), -1, 1, 2);
        for (Activation act : FUSED) {
            BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.builder().activation(act).build());
            BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null,
                    Values.of(new double[x.length]));
            double[] dx = new double[x.length];

            ParamGradients grads = bn.backward(Values.of(x), Values.of(weights), shape, gamma, beta, saved,
                    Values.of(dx));

            assertClose(
                    FiniteDifferences.gradient(x,
                            v -> FiniteDifferences.weightedOutputSum(bn, v, shape, gamma, beta, weights)),
                    dx,
                    Tolerances.FINITE_DIFFERENCE, act + " dx");
            assertClose(
                    FiniteDifferences.gradient(gamma,
                            g -> FiniteDifferences.weightedOutputSum(bn, x, shape, g, beta, weights)),
                    grads.dGamma(),
                    Tolerances.FINITE_DIFFERENCE, act + " dGamma");
            assertClose(
                    FiniteDifferences.gradient(beta,
                            b -> FiniteDifferences.weightedOutputSum(bn, x, shape, gamma, b, weights)),
                    grads.dBeta(),
                    Tolerances.FINITE_DIFFERENCE, act + " dBeta");
        }
    }

    @Test
    void reluOutputsNoNegativeValueAndLeakyReluScalesThem() {
        Shape shape = Shape.of(Layout.NCHW, 4, 3, 5, 5);
        double[] x = TestData.activations(shape, TestData.SEED);
        double[] y = new double[x.length];
        new BatchNormalizer(BatchNormConfig.builder().activation(Activation.RELU).build())
                .forwardTraining(Values.of(x), shape, new double[] {1, 1, 1}, new double[3], null, Values.of(y));
        assertTrue(java.util.Arrays.stream(y).allMatch(v -> v >= 0 && Double.compare(v, -0.0) != 0), "ReLU output");
        assertTrue(java.util.Arrays.stream(y).anyMatch(v -> v > 0), "ReLU keeps positive values");

        double[] plain = new double[x.length];
        new BatchNormalizer(BatchNormConfig.defaults()).forwardTraining(Values.of(x), shape, new double[] {1, 1, 1},
                new double[3], null, Values.of(plain));
        new BatchNormalizer(BatchNormConfig.builder().activation(Activation.leakyRelu(0.25)).build())
                .forwardTraining(Values.of(x), shape, new double[] {1, 1, 1}, new double[3], null, Values.of(y));
        for (int i = 0; i < y.length; i++) {
            assertEquals(plain[i] > 0 ? plain[i] : 0.25 * plain[i], y[i], 0, "value " + i);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("org.bn4j.core.Shapes#withDataTypes")
    void identityBackwardTakesANullBetaAndGivesTheSameBitsAsWithBeta(Shape shape, DataType type) {
        TestData.Inputs in = TestData.Inputs.of(shape);
        double[] x = type.representable(in.x());
        double[] dy = type.representable(in.dy());
        for (boolean renormGhosts : new boolean[] {false, true}) {
            BatchNormalizer bn = plain(shape, renormGhosts);
            BatchStats saved = type.forwardTraining(bn, x, shape, in.gamma(), in.beta(), in.running()).stats();

            DataType.Backward withBeta = type.backward(bn, x, dy, shape, in.gamma(), in.beta(), saved);
            DataType.Backward withoutBeta = type.backward(bn, x, dy, shape, in.gamma(), null, saved);

            assertSameBits(withBeta, withoutBeta, "training, renorm and ghosts: " + renormGhosts);
        }
        BatchNormalizer bn = plain(shape, false);
        assertSameBits(type.backwardInference(bn, x, dy, shape, in.gamma(), in.beta(), in.running()),
                type.backwardInference(bn, x, dy, shape, in.gamma(), null, in.running()), "inference");
    }

    private static void assertSameBits(DataType.Backward expected, DataType.Backward actual, String where) {
        assertArrayEquals(expected.dx(), actual.dx(), where + " dx");
        assertArrayEquals(expected.grads().dGamma(), actual.grads().dGamma(), where + " dGamma");
        assertArrayEquals(expected.grads().dBeta(), actual.grads().dBeta(), where + " dBeta");
        assertEquals(expected.grads().inputGradientBound(), actual.grads().inputGradientBound(), where + " bound");
    }

    @Test
    void fusedActivationBackwardRefusesANullBetaNamingItAndTheActivation() {
        Shape shape = Shape.of(Layout.NC, 4, 2);
        double[] x = {1, 2, 3, 4, 5, 6, 7, 9};
        double[] gamma = {1, 2};
        RunningStats running = RunningStats.of(new double[] {4, 5}, new double[] {2, 3}, 1);
        for (Activation act : FUSED) {
            BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.builder().activation(act).build());
            BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, new double[2], null,
                    Values.of(new double[8]));
            double[] dx = {7, 7, 7, 7, 7, 7, 7, 7};

            IllegalArgumentException training = assertThrows(IllegalArgumentException.class,
                    () -> bn.backward(Values.of(x), Values.of(x.clone()), shape, gamma, null, saved, Values.of(dx)));
            IllegalArgumentException inference = assertThrows(IllegalArgumentException.class,
                    () -> bn.backwardInference(Values.of(x), Values.of(x.clone()), shape, gamma, null, running,
                            Values.of(dx)));

            for (IllegalArgumentException e : new IllegalArgumentException[] {training, inference}) {
                assertTrue(e.getMessage().contains("beta is null") && e.getMessage().contains(act.toString()),
                        e.getMessage());
            }
            assertArrayEquals(new double[] {7, 7, 7, 7, 7, 7, 7, 7}, dx, "dx untouched");
        }
    }

    @Test
    void lockedGammaBetaTakeNullAndActAsTheirConstants() {
        Shape shape = Shape.of(Layout.NC, 4, 2);
        double[] x = {1, 2, 3, 4, 5, 6, 7, 9};
        BatchNormalizer locked = new BatchNormalizer(BatchNormConfig.builder().lockGammaBeta(1, 0.5)
                .activation(Activation.RELU).build());
        BatchNormalizer learned = new BatchNormalizer(BatchNormConfig.builder().activation(Activation.RELU).build());
        double[] gamma = {1, 1};
        double[] beta = {0.5, 0.5};
        BatchStats saved = locked.forwardTraining(Values.of(x), shape, null, null, null, Values.of(new double[8]));
        double[] withNull = new double[8];
        double[] withConstants = new double[8];

        locked.backward(Values.of(x), Values.of(x.clone()), shape, null, null, saved, Values.of(withNull));
        learned.backward(Values.of(x), Values.of(x.clone()), shape, gamma, beta, saved, Values.of(withConstants));

        assertArrayEquals(withConstants, withNull);
    }

    @Test
    void splitBatchGivesTheWholeBatchsResults() {
        Shape shape = Shape.of(Layout.NCHW, 6, 3, 4, 5);
        TestData.Inputs in = TestData.Inputs.of(shape);
        BatchNormConfig config = BatchNormConfig.builder().activation(Activation.leakyRelu(0.3)).build();
        BatchNormalizer whole = new BatchNormalizer(config);
        double[] y = new double[shape.size()];
        double[] dx = new double[shape.size()];
        BatchStats stats = whole.forwardTraining(Values.of(in.x()), shape, in.gamma(), in.beta(), null, Values.of(y));
        ParamGradients grads = whole.backward(Values.of(in.x()), Values.of(in.dy()), shape, in.gamma(), in.beta(),
                stats, Values.of(dx));

        SplitBatchNormalizer split = new SplitBatchNormalizer(config);
        double[] splitY = new double[shape.size()];
        split.normalize(in.x(), shape, in.gamma(), in.beta(), stats, splitY);
        ChannelGradientSums sums = split.gradientSums(in.x(), in.dy(), shape, in.gamma(), in.beta(), stats);
        double[] splitDx = new double[shape.size()];
        ParamGradients splitGrads = split.backward(in.x(), in.dy(), shape, in.gamma(), in.beta(), stats, sums, sums,
                splitDx);

        assertClose(y, splitY, Tolerances.F64, "y");
        assertClose(dx, splitDx, Tolerances.F64, "dx");
        assertClose(grads.dGamma(), splitGrads.dGamma(), Tolerances.F64, "dGamma");
        assertClose(grads.dBeta(), splitGrads.dBeta(), Tolerances.F64, "dBeta");
    }

    @Test
    void leakyReluSlopeMustBeBelowOne() {
        assertSame(Activation.RELU, Activation.leakyRelu(0));
        for (double bad : new double[] {-0.1, 1, 2, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Activation.leakyRelu(bad));
            assertTrue(e.getMessage().contains("[0, 1)"), e.getMessage());
        }
    }

    @Test
    void configCarriesTheActivationThroughEqualityAndItsBuilder() {
        BatchNormConfig relu = BatchNormConfig.builder().activation(Activation.RELU).build();

        assertEquals(Activation.IDENTITY, BatchNormConfig.defaults().activation());
        assertEquals(relu, relu.toBuilder().build());
        assertTrue(!relu.equals(BatchNormConfig.defaults()), "the activation is part of equality");
        assertTrue(relu.toString().contains("RELU"), relu.toString());
        assertThrows(IllegalArgumentException.class, () -> BatchNormConfig.builder().activation(null).build());
    }
}
