package org.bn4j.core.loops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate on x, {@code sign * x > threshold}, is open exactly where the normalized value
 * {@code ((x - hi) - lo) * a + b}, rounded in the element type, is above zero: for every x near the threshold, at
 * random and at the extremes, for coefficients as the forward pass makes them and for ones that defeat the estimate.
 */
class GateThresholdTest {
    /** x tested on either side of the threshold, one representable value apart. */
    private static final int STEPS = 3000;
    private static final int RANDOM_X = 3000;

    record Coefficients(String name, double hi, double lo, double a, double b) {
        @Override
        public String toString() {
            return name + " " + hi + ", " + lo + ", " + a + ", " + b;
        }
    }

    static Stream<Coefficients> coefficients() {
        List<Coefficients> all = new ArrayList<>(List.of(
                new Coefficients("unit", 0, 0, 1, 0),
                new Coefficients("negative scale", 0.5, 1e-9, -2, 0.3),
                new Coefficients("large mean", 1e6, 0.03125, 1e-3, 0.7),
                new Coefficients("tiny scale", 3, 0, 1e-30, 1e-29),
                new Coefficients("subnormal scale", 1, 0, 1e-44, 2e-45),
                new Coefficients("subnormal double scale", 1, 0, 4.9e-322, 1e-322),
                new Coefficients("root beyond float range", 0, 0, 1e-30, -1e10),
                new Coefficients("root beyond double range", 0, 0, 1e-300, -1e300),
                new Coefficients("kink at zero", 0, 0, 3, 0),
                new Coefficients("negative zero center", -0d, -0d, 1, 0),
                new Coefficients("infinite scale", 2, 0, Double.POSITIVE_INFINITY, 1),
                new Coefficients("negative infinite scale", 2, 0, Double.NEGATIVE_INFINITY, 1)));
        SplittableRandom random = new SplittableRandom(20150211L);
        for (int i = 0; i < 40; i++) {
            double hi = random.nextDouble(-1, 1) * Math.pow(10, random.nextInt(-6, 7));
            double lo = hi * 1e-8 * random.nextDouble(-1, 1);
            double a = (random.nextBoolean() ? 1 : -1) * Math.pow(10, random.nextDouble(-4, 4));
            double b = random.nextDouble(-3, 3);
            all.add(new Coefficients("random " + i, hi, lo, a, b));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coefficients")
    void floatGateIsOpenExactlyWhereTheNormalizedValueIsAboveZero(Coefficients k) {
        float hi = (float) k.hi(), lo = (float) k.lo(), a = (float) k.a(), b = (float) k.b();
        float[] sign = new float[1], threshold = new float[1];
        GateThreshold.write(new float[] {hi}, new float[] {lo}, new float[] {a}, new float[] {b}, 1, sign, threshold);

        List<Float> xs = new ArrayList<>(List.of(0f, -0f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN));
        float up = threshold[0] * sign[0], down = up;
        for (int i = 0; i < STEPS; i++) {
            xs.add(up);
            xs.add(down);
            up = Math.nextUp(up);
            down = Math.nextDown(down);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < RANDOM_X; i++) {
            xs.add(Float.intBitsToFloat(random.nextInt()));
        }
        int open = 0;
        for (float x : xs) {
            boolean expected = ((x - hi) - lo) * a + b > 0;
            assertEquals(expected, sign[0] * x > threshold[0], () -> "x = " + x);
            open += expected ? 1 : 0;
        }
        assertOnBothSidesUnlessConstant(open, xs.size(), a, b);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coefficients")
    void doubleGateIsOpenExactlyWhereTheNormalizedValueIsAboveZero(Coefficients k) {
        double hi = k.hi(), lo = k.lo(), a = k.a(), b = k.b();
        double[] sign = new double[1], threshold = new double[1];
        GateThreshold.write(new double[] {hi}, new double[] {lo}, new double[] {a}, new double[] {b}, 1, sign,
                threshold);

        List<Double> xs = new ArrayList<>(List.of(0d, -0d, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN));
        double up = threshold[0] * sign[0], down = up;
        for (int i = 0; i < STEPS; i++) {
            xs.add(up);
            xs.add(down);
            up = Math.nextUp(up);
            down = Math.nextDown(down);
        }
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < RANDOM_X; i++) {
            xs.add(Double.longBitsToDouble(random.nextLong()));
        }
        int open = 0;
        for (double x : xs) {
            boolean expected = ((x - hi) - lo) * a + b > 0;
            assertEquals(expected, sign[0] * x > threshold[0], () -> "x = " + x);
            open += expected ? 1 : 0;
        }
        assertOnBothSidesUnlessConstant(open, xs.size(), a, b);
    }

    /** The vector loops read the gate from the sign bit of {@code threshold - sign * x}, which is -0 where x is +0. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("coefficients")
    void theThresholdIsNeverNegativeZero(Coefficients k) {
        float[] floatSign = new float[1], floatThreshold = new float[1];
        GateThreshold.write(new float[] {(float) k.hi()}, new float[] {(float) k.lo()}, new float[] {(float) k.a()},
                new float[] {(float) k.b()}, 1, floatSign, floatThreshold);
        double[] doubleSign = new double[1], doubleThreshold = new double[1];
        GateThreshold.write(new double[] {k.hi()}, new double[] {k.lo()}, new double[] {k.a()},
                new double[] {k.b()}, 1, doubleSign, doubleThreshold);

        assertNotEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(floatThreshold[0]));
        assertNotEquals(Double.doubleToRawLongBits(-0d), Double.doubleToRawLongBits(doubleThreshold[0]));
    }

    /**
     * Guards the test itself: the values tried straddle the kink, so that a wrong side would show (unless the
     * coefficients, in the element type, make v the same everywhere).
     */
    private static void assertOnBothSidesUnlessConstant(int open, int tried, double a, double b) {
        if (a != 0 && Double.isFinite(a) && Double.isFinite(b)) {
            assertTrue(open > STEPS / 2 && open < tried - STEPS / 2, "open at " + open + " of " + tried + " values");
        }
    }

    /**
     * With a zero scale v is b wherever {@code x - hi} is finite: the gate is open for every such x when b is above
     * zero, shut when not (the one case the gate and v differ is where v is NaN, and so is the forward's output).
     */
    @ParameterizedTest(name = "b = {0}")
    @MethodSource("zeroScaleShifts")
    void aZeroScaleOpensTheGateForEveryFiniteXExactlyWhenBIsAboveZero(float b) {
        for (float a : new float[] {0f, -0f}) {
            float[] sign = new float[1], threshold = new float[1];
            GateThreshold.write(new float[] {1.5f}, new float[] {0}, new float[] {a}, new float[] {b}, 1, sign,
                    threshold);
            for (float x : new float[] {-Float.MAX_VALUE / 2, -1, 0, 1.5f, 7, Float.MAX_VALUE / 2}) {
                assertEquals(((x - 1.5f) - 0f) * a + b > 0, sign[0] * x > threshold[0], "a = " + a + ", x = " + x);
            }
        }
    }

    static Stream<Float> zeroScaleShifts() {
        return Stream.of(1f, 0f, -0f, -2f);
    }
}
