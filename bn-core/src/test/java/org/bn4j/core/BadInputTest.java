package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Every bad input gets an exception that names the problem, and nothing is written. */
class BadInputTest {
    private static final float SENTINEL = 42.5f;
    private final BatchNormalizer bn = new BatchNormalizer(BatchNormConfig.defaults());
    private final Shape shape = Shape.of(Layout.NCHW, 2, 3, 2, 2);
    private final float[] x = TestData.toFloat(TestData.activations(shape, TestData.SEED));
    private final double[] gamma = {1, 1, 1};
    private final double[] beta = {0, 0, 0};
    private final float[] y = filled(shape.size());

    private static float[] filled(int n) {
        float[] a = new float[n];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    private static void assertRejected(Class<? extends Throwable> type, String expectedInMessage, Executable call) {
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(expectedInMessage), "message should contain '" + expectedInMessage
                + "' but was: " + e.getMessage());
    }

    private void assertOutputUntouched(float[] out) {
        for (float v : out) {
            assertEquals(SENTINEL, v, "output was written before the input was rejected");
        }
    }

    @Nested
    class ShapesAndLengths {
        @Test
        void inputLengthNotMatchingTheShape() {
            assertRejected(IllegalArgumentException.class, "x has 23 values but shape NCHW[2, 3, 2, 2] needs 24",
                    () -> bn.forwardTraining(Values.of(Arrays.copyOf(x, 23)), shape, gamma, beta, null, Values.of(y)));
            assertOutputUntouched(y);
        }

        @Test
        void outputLengthNotMatchingTheShape() {
            assertRejected(IllegalArgumentException.class, "y has 25 values",
                    () -> bn.forwardTraining(Values.of(x), shape, gamma, beta, null, Values.of(new float[25])));
        }

        @Test
        void wrongChannelCountForGamma() {
            assertRejected(IllegalArgumentException.class, "gamma has 4 values but NCHW[2, 3, 2, 2] has 3 channels",
                    () -> bn.forwardTraining(Values.of(x), shape, new double[4], beta, null, Values.of(y)));
            assertOutputUntouched(y);
        }

        @Test
        void wrongChannelCountForBeta() {
            assertRejected(IllegalArgumentException.class, "beta has 2 values",
                    () -> bn.forwardInference(Values.of(x), shape, gamma, new double[2], RunningStats.initial(3),
                            Values.of(y)));
            assertOutputUntouched(y);
        }

        @Test
        void runningStatisticsWithAnotherChannelCount() {
            assertRejected(IllegalArgumentException.class, "running statistics have 4 channels",
                    () -> bn.forwardInference(Values.of(x), shape, gamma, beta, RunningStats.initial(4), Values.of(y)));
            assertOutputUntouched(y);
        }

        @Test
        void savedStatisticsFromAnotherShape() {
            BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null,
                    Values.of(new float[x.length]));
            Shape other = Shape.of(Layout.NCHW, 3, 3, 2, 2);
            float[] dx = filled(other.size());
            assertRejected(IllegalArgumentException.class, "saved statistics are for 3 channels of 8 values",
                    () -> bn.backward(Values.of(new float[36]), Values.of(new float[36]), other, gamma, beta, saved,
                            Values.of(dx)));
            assertOutputUntouched(dx);
        }

        @Test
        void nullInput() {
            assertRejected(IllegalArgumentException.class, "x is null",
                    () -> bn.forwardTraining(null, shape, gamma, beta, null, Values.of(y)));
        }

        @Test
        void bufferWithTooFewValuesBetweenPositionAndLimit() {
            java.nio.FloatBuffer in = java.nio.FloatBuffer.wrap(x).position(2);
            assertRejected(IllegalArgumentException.class,
                    "x has 22 values between position and limit but shape NCHW[2, 3, 2, 2] needs 24",
                    () -> bn.forwardTraining(Values.of(in), shape, gamma, beta, null,
                            Values.of(java.nio.FloatBuffer.allocate(24))));
        }

        @Test
        void readOnlyOutputBuffer() {
            java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(24).asReadOnlyBuffer();
            assertRejected(IllegalArgumentException.class, "y is read-only but is written to",
                    () -> bn.forwardTraining(Values.of(java.nio.FloatBuffer.wrap(x)), shape, gamma, beta, null,
                            Values.of(out)));
        }

        @Test
        void dxBeingXIsRejectedInEitherBackwardPassWithXUntouched() {
            BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null,
                    Values.of(new float[x.length]));
            float[] before = x.clone();
            Values xv = Values.of(x);
            Values dy = Values.of(filled(x.length));
            assertRejected(IllegalArgumentException.class, "dx is x",
                    () -> bn.backward(xv, dy, shape, gamma, beta, saved, xv));
            assertRejected(IllegalArgumentException.class, "dx is x",
                    () -> bn.backwardInference(xv, dy, shape, gamma, beta, RunningStats.initial(3), xv));
            assertArrayEquals(before, x);
        }

        @Test
        void gammaPassedWhileLocked() {
            BatchNormalizer locked = new BatchNormalizer(BatchNormConfig.builder().lockGammaBeta(1, 0).build());
            assertRejected(IllegalArgumentException.class, "gamma is locked",
                    () -> locked.forwardTraining(Values.of(x), shape, gamma, null, null, Values.of(y)));
        }
    }

    @Nested
    class Training {
        @Test
        void fewerThanTwoValuesPerChannel() {
            Shape single = Shape.of(Layout.NC, 1, 3);
            float[] out = filled(3);
            assertRejected(IllegalArgumentException.class, "at least 2 values per channel",
                    () -> bn.forwardTraining(Values.of(new float[] {1, 2, 3}), single, gamma, beta, null,
                            Values.of(out)));
            assertOutputUntouched(out);
        }

        @Test
        void oneImageOfOnePixelPerChannel() {
            Shape single = Shape.of(Layout.NHWC, 1, 1, 1, 3);
            assertRejected(IllegalArgumentException.class, "gives 1 (batch 1 x spatial 1)",
                    () -> bn.forwardTraining(Values.of(new double[3]), single, gamma, beta, null,
                            Values.of(new double[3])));
        }

        @Test
        void oneImageWithManyPixelsIsEnough() {
            Shape onePicture = Shape.of(Layout.NCHW, 1, 3, 2, 2);
            bn.forwardTraining(Values.of(new float[12]), onePicture, gamma, beta, null, Values.of(new float[12]));
        }
    }

    @Nested
    class NonFiniteValues {
        @Test
        void nanInTrainingInputIsRejectedBeforeAnythingIsWritten() {
            float[] bad = x.clone();
            bad[13] = Float.NaN;
            NonFiniteInputException e = assertThrows(NonFiniteInputException.class,
                    () -> bn.forwardTraining(Values.of(bad), shape, gamma, beta, null, Values.of(y)));
            assertEquals("x", e.argument());
            assertEquals(13, e.index());
            assertTrue(e.getMessage().contains("NaN at flat index 13 (channel 0 of NCHW[2, 3, 2, 2])"), e.getMessage());
            assertOutputUntouched(y);
        }

        @Test
        void infinityInInferenceInputIsRejected() {
            double[] bad = TestData.toDouble(x);
            bad[5] = Double.NEGATIVE_INFINITY;
            double[] out = new double[bad.length];
            assertRejected(NonFiniteInputException.class, "-Infinity at flat index 5 (channel 1",
                    () -> bn.forwardInference(Values.of(bad), shape, gamma, beta, RunningStats.initial(3),
                            Values.of(out)));
        }

        /** Out of place, inference checks x as it writes y (one pass); in place it must check before overwriting x. */
        @Test
        void infinityInInPlaceInferenceInputIsRejectedBeforeTheInputIsOverwritten() {
            double[] bad = TestData.toDouble(x);
            bad[5] = Double.NEGATIVE_INFINITY;
            double[] before = bad.clone();
            assertRejected(NonFiniteInputException.class, "-Infinity at flat index 5 (channel 1",
                    () -> bn.forwardInference(Values.of(bad), shape, gamma, beta, RunningStats.initial(3),
                            Values.of(bad)));
            assertArrayEquals(before, bad);
        }

        @Test
        void nanInOutputGradientIsRejected() {
            BatchStats saved = bn.forwardTraining(Values.of(x), shape, gamma, beta, null,
                    Values.of(new float[x.length]));
            float[] dy = new float[x.length];
            dy[22] = Float.POSITIVE_INFINITY;
            float[] dx = filled(x.length);
            NonFiniteInputException e = assertThrows(NonFiniteInputException.class,
                    () -> bn.backward(Values.of(x), Values.of(dy), shape, gamma, beta, saved, Values.of(dx)));
            assertEquals("dy", e.argument());
            assertEquals(22, e.index());
            assertOutputUntouched(dx);
        }

        @Test
        void nanGammaIsRejected() {
            assertRejected(IllegalArgumentException.class, "gamma holds a non-finite value",
                    () -> bn.forwardTraining(Values.of(x), shape, new double[] {1, Double.NaN, 1}, beta, null,
                            Values.of(y)));
        }

        @Test
        void doubleOverflowIsNamedAsSuch() {
            Shape nc = Shape.of(Layout.NC, 2, 1);
            assertRejected(IllegalArgumentException.class, "overflowed",
                    () -> bn.forwardTraining(Values.of(new double[] {1e300, -1e300}), nc, new double[] {1},
                            new double[] {0}, null, Values.of(new double[2])));
        }

        @Test
        void propagatePolicyLetsNanThroughToItsChannelOnly() {
            BatchNormalizer lenient = new BatchNormalizer(
                    BatchNormConfig.builder().nonFinitePolicy(NonFinitePolicy.PROPAGATE).build());
            Shape nc = Shape.of(Layout.NC, 3, 2);
            double[] out = new double[6];

            BatchStats stats = lenient.forwardTraining(Values.of(new double[] {Double.NaN, 1, 2, 2, 3, 3}), nc,
                    new double[] {1, 1}, new double[] {0, 0}, null, Values.of(out));

            assertTrue(Double.isNaN(stats.mean()[0]));
            assertEquals(2.0, stats.mean()[1], 1e-15);
            assertTrue(Double.isNaN(out[0]) && Double.isNaN(out[2]) && Double.isNaN(out[4]));
            assertEquals(-1 / Math.sqrt(2.0 / 3 + 1e-5), out[1], 1e-12);
        }
    }
}
