package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both implementations of the segment reductions (plain Java, and the Vector API where the JVM has it) match an
 * exact BigDecimal reference on every segment length around the vector widths and tails, at every array offset.
 */
class SegmentReductionsTest {
    private static final MathContext EXACT = MathContext.DECIMAL128;

    @Test
    void theVectorApiIsUsedExactlyWhenTheBuildExpectsIt() {
        // The parent pom runs the tests with the module and expects it; bn-core runs them again without it.
        assertEquals(Boolean.getBoolean("bn4j.expectVectorApi"), BatchNorm.usesVectorApi());
    }

    static Stream<Arguments> segments() {
        List<SegmentReductions> implementations = new ArrayList<>(List.of(new ScalarReductions()));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            implementations.add(SegmentReductions.CHOSEN instanceof ScalarReductions
                    ? new ScalarReductions() : SegmentReductions.CHOSEN);
        }
        List<Arguments> cases = new ArrayList<>();
        int[] lengths = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 71, 127, 128, 129, 200, 3136};
        for (SegmentReductions implementation : implementations) {
            for (int length : lengths) {
                for (int from : new int[] {0, 3}) {
                    cases.add(Arguments.of(implementation.getClass().getSimpleName(), implementation, from, length));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void floatMomentsMatchTheExactOnes(String name, SegmentReductions reductions, int from, int length) {
        // A large offset against the spread: the case the corrected two-pass algorithm exists for.
        double[] values = gaussian(from + length + 5, 1e4, 1, length);
        float[] a = new float[values.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) values[i];
            values[i] = a[i];
        }
        Moments moments = new Moments();
        reductions.moments(a, from, from + length, moments);
        assertMoments(values, from, length, moments);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void doubleMomentsMatchTheExactOnes(String name, SegmentReductions reductions, int from, int length) {
        double[] a = gaussian(from + length + 5, -3e6, 0.5, length);
        Moments moments = new Moments();
        reductions.moments(a, from, from + length, moments);
        assertMoments(a, from, length, moments);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void floatGradientSumsMatchTheExactOnes(String name, SegmentReductions reductions, int from, int length) {
        double[] xd = gaussian(from + length + 5, 2, 3, length);
        double[] dyd = gaussian(from + length + 5, 0.1, 1, length + 1);
        float[] x = new float[xd.length];
        float[] dy = new float[dyd.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) xd[i];
            xd[i] = x[i];
            dy[i] = (float) dyd[i];
            dyd[i] = dy[i];
        }
        double[] sums = {1, 2, 3};   // the reductions add to what is there
        reductions.gradSums(x, dy, from, from + length, 2.25, sums);
        assertGradientSums(xd, dyd, from, length, 2.25, new double[] {1, 2, 3}, sums);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void doubleGradientSumsMatchTheExactOnes(String name, SegmentReductions reductions, int from, int length) {
        double[] x = gaussian(from + length + 5, -7, 2, length);
        double[] dy = gaussian(from + length + 5, 0, 1e-3, length + 1);
        double[] sums = new double[3];
        reductions.gradSums(x, dy, from, from + length, -7.5, sums);
        assertGradientSums(x, dy, from, length, -7.5, new double[3], sums);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void largestMagnitudeIsTheLargestAbsoluteValue(String name, SegmentReductions reductions, int from, int length) {
        double[] d = gaussian(from + length + 5, 0.5, 4, length);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        double expectedDouble = 0;
        double expectedFloat = 0;
        for (int i = from; i < from + length; i++) {
            expectedDouble = Math.max(expectedDouble, Math.abs(d[i]));
            expectedFloat = Math.max(expectedFloat, Math.abs(f[i]));
        }
        // Values outside the segment must not count.
        d[from + length] = f[from + length] = 1e30f;

        assertEquals(expectedDouble, reductions.largestMagnitude(d, from, from + length), 0.0);
        assertEquals(expectedFloat, reductions.largestMagnitude(f, from, from + length), 0.0);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void largestMagnitudeIsNaNWithANaNAndInfiniteWithAnInfinity(String name, SegmentReductions reductions, int from,
                                                                int length) {
        for (int bad : new int[] {from, from + length / 2, from + length - 1}) {
            float[] f = new float[from + length];
            double[] d = new double[from + length];
            f[bad] = Float.NaN;
            d[bad] = Double.NaN;
            assertEquals(Double.NaN, reductions.largestMagnitude(f, from, from + length), "float NaN at " + bad);
            assertEquals(Double.NaN, reductions.largestMagnitude(d, from, from + length), "double NaN at " + bad);
            f[bad] = Float.NEGATIVE_INFINITY;
            d[bad] = Double.NEGATIVE_INFINITY;
            assertEquals(Double.POSITIVE_INFINITY, reductions.largestMagnitude(f, from, from + length), "float -inf at " + bad);
            assertEquals(Double.POSITIVE_INFINITY, reductions.largestMagnitude(d, from, from + length), "double -inf at " + bad);
        }
    }

    private static void assertMoments(double[] a, int from, int length, Moments actual) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = from; i < from + length; i++) {
            sum = sum.add(new BigDecimal(a[i]));
        }
        BigDecimal mean = sum.divide(BigDecimal.valueOf(length), EXACT);
        BigDecimal m2 = BigDecimal.ZERO;
        for (int i = from; i < from + length; i++) {
            BigDecimal d = new BigDecimal(a[i]).subtract(mean);
            m2 = m2.add(d.multiply(d));
        }
        double spread = Math.sqrt(m2.doubleValue() / length);
        assertEquals(length, actual.count, 0.0, "count");
        assertEquals(mean.doubleValue(), actual.mean, 1e-14 * (Math.abs(mean.doubleValue()) + spread), "mean");
        // The absolute term covers the reference's own rounding of the mean to 34 digits.
        double meanSquared = mean.doubleValue() * mean.doubleValue();
        assertEquals(m2.doubleValue(), actual.m2, 1e-10 * m2.doubleValue() + 1e-30 * meanSquared * length, "M2");
    }

    private static void assertGradientSums(double[] x, double[] dy, int from, int length, double mean,
                                           double[] before, double[] actual) {
        BigDecimal[] exact = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        double[] magnitude = new double[3];
        BigDecimal m = new BigDecimal(mean);
        for (int i = from; i < from + length; i++) {
            BigDecimal g = new BigDecimal(dy[i]);
            BigDecimal[] terms = {g, g.multiply(new BigDecimal(x[i]).subtract(m)), g.multiply(g)};
            for (int s = 0; s < 3; s++) {
                exact[s] = exact[s].add(terms[s]);
                magnitude[s] += Math.abs(terms[s].doubleValue());
            }
        }
        String[] names = {"sum(dy)", "sum(dy * (x - mean))", "sum(dy^2)"};
        for (int s = 0; s < 3; s++) {
            double expected = exact[s].add(new BigDecimal(before[s])).doubleValue();
            assertEquals(expected, actual[s], 1e-13 * (magnitude[s] + Math.abs(before[s])), names[s]);
        }
    }

    private static double[] gaussian(int n, double offset, double spread, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = offset + spread * TestData.gaussian(random);
        }
        return v;
    }
}
