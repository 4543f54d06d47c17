package org.bn4j.core.loops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bn4j.core.BatchNormalizer;
import org.bn4j.core.TestData;
import org.bn4j.core.kernel.Moments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both implementations of the loops (plain Java, and the Vector API where the JVM has it) match a reference on every
 * length around the vector widths and tails, at every array offset: reductions an exact BigDecimal one, elementwise
 * tiles the scalar formula bit for bit.
 */
class LoopsTest {
    private static final MathContext EXACT = MathContext.DECIMAL128;

    @Test
    void theVectorApiIsUsedExactlyWhenTheBuildExpectsIt() {
        // The parent pom runs the tests with the module and expects it; bn-core runs them again without it.
        assertEquals(Boolean.getBoolean("bn4j.expectVectorApi"), BatchNormalizer.usesVectorApi());
    }

    /** Plain Java always; the Vector API where this JVM has its module (the default test execution). */
    static List<Loops> implementations() {
        List<Loops> implementations = new ArrayList<>(List.of(
                new Loops("scalar", new FloatScalarLoops(), new DoubleScalarLoops())));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            implementations.add(new Loops("vector", new FloatVectorLoops(), new DoubleVectorLoops()));
        }
        return implementations;
    }

    /** An implementation's float and double loops, called by the element type of their arrays. */
    record Loops(String name, FloatLoops<float[]> floats, DoubleLoops<double[]> doubles) {
        void addDeviations(float[] a, int from, int to, double m, double[] deviations) {
            floats.addDeviations(a, from, to, m, deviations);
        }

        void addDeviations(double[] a, int from, int to, double m, double[] deviations) {
            doubles.addDeviations(a, from, to, m, deviations);
        }

        void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums) {
            floats.gradSums(x, dy, from, to, mean, sums);
        }

        void gradSums(double[] x, double[] dy, int from, int to, double mean, double[] sums) {
            doubles.gradSums(x, dy, from, to, mean, sums);
        }

        double largestMagnitude(float[] a, int from, int to) {
            return floats.largestMagnitude(a, from, to);
        }

        double largestMagnitude(double[] a, int from, int to) {
            return doubles.largestMagnitude(a, from, to);
        }

        void addRowDeviations(float[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
            floats.addRowDeviations(a, base, rows, c, mean, sumD, sumD2);
        }

        void addRowDeviations(double[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
            doubles.addRowDeviations(a, base, rows, c, mean, sumD, sumD2);
        }

        void addRowGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                            double[] sumDyXc, double[] sumDySq) {
            floats.addRowGradSums(x, dy, base, rows, c, mean, sumDy, sumDyXc, sumDySq);
        }

        void addRowGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                            double[] sumDyXc, double[] sumDySq) {
            doubles.addRowGradSums(x, dy, base, rows, c, mean, sumDy, sumDyXc, sumDySq);
        }

        double normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a, float[] b) {
            return floats.normalizeTile(x, y, base, n, hi, lo, a, b, true);
        }

        double normalizeTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] a,
                             double[] b) {
            return doubles.normalizeTile(x, y, base, n, hi, lo, a, b, true);
        }

        void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k,
                           float[] q, float[] r) {
            floats.gradApplyTile(x, dy, dx, base, n, hi, lo, k, q, r);
        }

        void gradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo,
                           double[] k, double[] q, double[] r) {
            doubles.gradApplyTile(x, dy, dx, base, n, hi, lo, k, q, r);
        }
    }

    static Stream<Arguments> segments() {
        List<Arguments> cases = new ArrayList<>();
        int[] lengths = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 63, 64, 65, 71, 127, 128, 129, 200, 3136};
        for (Loops implementation : implementations()) {
            for (int length : lengths) {
                for (int from : new int[] {0, 3}) {
                    cases.add(Arguments.of(implementation.name(), implementation, from, length));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void floatMomentsMatchTheExactOnes(String name, Loops reductions, int from, int length) {
        // A large offset against the spread: the case the shift exists for. The kernels shift by the first value.
        double[] values = gaussian(from + length + 5, 1e4, 1, length);
        float[] a = new float[values.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) values[i];
            values[i] = a[i];
        }
        double[] deviations = new double[2];
        reductions.addDeviations(a, from, from + length, a[from], deviations);
        assertMoments(values, from, length, shifted(length, a[from], deviations));
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void doubleMomentsMatchTheExactOnes(String name, Loops reductions, int from, int length) {
        double[] a = gaussian(from + length + 5, -3e6, 0.5, length);
        double[] deviations = new double[2];
        reductions.addDeviations(a, from, from + length, a[from], deviations);
        assertMoments(a, from, length, shifted(length, a[from], deviations));
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void deviationsAreAddedToWhatIsThere(String name, Loops reductions, int from, int length) {
        double[] a = gaussian(from + length + 5, 4, 2, length);
        double[] fresh = new double[2];
        reductions.addDeviations(a, from, from + length, 3.5, fresh);
        double[] added = {1, 2};
        reductions.addDeviations(a, from, from + length, 3.5, added);
        assertEquals(1 + fresh[0], added[0], 0.0);
        assertEquals(2 + fresh[1], added[1], 0.0);
    }

    /** The moments of the one-pass shifted algorithm, from the shift and the deviations' sums. */
    private static Moments shifted(int length, double m, double[] deviations) {
        Moments moments = new Moments();
        moments.mergeDeviations(length, m, deviations[0], deviations[1]);
        return moments;
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void floatGradientSumsMatchTheExactOnes(String name, Loops reductions, int from, int length) {
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
    void doubleGradientSumsMatchTheExactOnes(String name, Loops reductions, int from, int length) {
        double[] x = gaussian(from + length + 5, -7, 2, length);
        double[] dy = gaussian(from + length + 5, 0, 1e-3, length + 1);
        double[] sums = new double[3];
        reductions.gradSums(x, dy, from, from + length, -7.5, sums);
        assertGradientSums(x, dy, from, length, -7.5, new double[3], sums);
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void largestMagnitudeIsTheLargestAbsoluteValue(String name, Loops reductions, int from, int length) {
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
    void largestMagnitudeIsNaNWithANaNAndInfiniteWithAnInfinity(String name, Loops reductions, int from,
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
            assertEquals(Double.POSITIVE_INFINITY, reductions.largestMagnitude(f, from, from + length),
                    "float -inf at " + bad);
            assertEquals(Double.POSITIVE_INFINITY, reductions.largestMagnitude(d, from, from + length),
                    "double -inf at " + bad);
        }
    }

    static Stream<Arguments> rowBlocks() {
        List<Arguments> cases = new ArrayList<>();
        for (Loops implementation : implementations()) {
            for (int c : new int[] {1, 3, 7, 8, 9, 16, 17, 33, 64}) {
                for (int rows : new int[] {1, 2, 5, 40}) {
                    for (int base : new int[] {0, 3}) {
                        cases.add(Arguments.of(implementation.name(), implementation, base, rows, c));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} from {2}, {3} rows of {4}")
    @MethodSource("rowBlocks")
    void rowSumsMatchPerChannelSums(String name, Loops loops, int base, int rows, int c) {
        int end = base + rows * c;
        double[] xd = gaussian(end + 5, 1, 2, 31L * rows + c);
        double[] gd = gaussian(end + 5, 0, 1, 17L * rows + c);
        float[] xf = TestData.toFloat(xd);
        float[] gf = TestData.toFloat(gd);
        double[] mean = gaussian(c, 1, 0.1, c);
        for (boolean floats : new boolean[] {true, false}) {
            double[] x = floats ? TestData.toDouble(xf) : xd;
            double[] g = floats ? TestData.toDouble(gf) : gd;
            double[][] sums = new double[5][c];
            for (double[] sum : sums) {
                Arrays.fill(sum, 0.5);   // the loops add to what is there
            }
            if (floats) {
                loops.addRowDeviations(xf, base, rows, c, mean, sums[0], sums[1]);
                loops.addRowGradSums(xf, gf, base, rows, c, mean, sums[2], sums[3], sums[4]);
            } else {
                loops.addRowDeviations(xd, base, rows, c, mean, sums[0], sums[1]);
                loops.addRowGradSums(xd, gd, base, rows, c, mean, sums[2], sums[3], sums[4]);
            }
            for (int ch = 0; ch < c; ch++) {
                double[] expected = {0.5, 0.5, 0.5, 0.5, 0.5};
                double[] magnitude = new double[5];
                for (int r = 0; r < rows; r++) {
                    int i = base + r * c + ch;
                    double d = x[i] - mean[ch];
                    double[] terms = {d, d * d, g[i], g[i] * d, g[i] * g[i]};
                    for (int k = 0; k < 5; k++) {
                        expected[k] += terms[k];
                        magnitude[k] += Math.abs(terms[k]);
                    }
                }
                for (int k = 0; k < 5; k++) {
                    assertEquals(expected[k], sums[k][ch], 1e-14 * (1 + magnitude[k]),
                            (floats ? "float" : "double") + " sum " + k + " of channel " + ch);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} from {2}, {3} values")
    @MethodSource("segments")
    void elementwiseTilesComputeTheScalarFormulaBitForBit(String name, Loops loops, int base, int n) {
        float[][] f = new float[8][];
        double[][] d = new double[8][];
        for (int a = 0; a < 8; a++) {
            d[a] = gaussian(base + n + 5, 0.3, 2, 40L * n + a);
            f[a] = new float[d[a].length];
            for (int i = 0; i < d[a].length; i++) {
                f[a][i] = (float) d[a][i];
            }
        }
        // data: x = 0, dy = 1; per-position coefficients read from index j: hi 2, lo 3, scale/k 4, shift/q 5, r 6
        float[] yf = new float[base + n];
        float[] dxf = new float[base + n];
        double[] yd = new double[base + n];
        double[] dxd = new double[base + n];
        double largestF = loops.normalizeTile(f[0], yf, base, n, f[2], f[3], f[4], f[5]);
        loops.gradApplyTile(f[0], f[1], dxf, base, n, f[2], f[3], f[4], f[5], f[6]);
        double largestD = loops.normalizeTile(d[0], yd, base, n, d[2], d[3], d[4], d[5]);
        loops.gradApplyTile(d[0], d[1], dxd, base, n, d[2], d[3], d[4], d[5], d[6]);

        for (int j = 0; j < n; j++) {
            int i = base + j;
            assertEquals(((f[0][i] - f[2][j]) - f[3][j]) * f[4][j] + f[5][j], yf[i], 0f, "float y at " + j);
            assertEquals(f[4][j] * f[1][i] + f[5][j] * ((f[0][i] - f[2][j]) - f[3][j]) + f[6][j], dxf[i], 0f,
                    "float dx at " + j);
            assertEquals(((d[0][i] - d[2][j]) - d[3][j]) * d[4][j] + d[5][j], yd[i], 0.0, "double y at " + j);
            assertEquals(d[4][j] * d[1][i] + d[5][j] * ((d[0][i] - d[2][j]) - d[3][j]) + d[6][j], dxd[i], 0.0,
                    "double dx at " + j);
        }
        for (int i = 0; i < base; i++) {
            assertEquals(0f, yf[i], "written before the tile at " + i);
        }
        double expectedF = 0;
        double expectedD = 0;
        for (int i = base; i < base + n; i++) {
            expectedF = Math.max(expectedF, Math.abs(f[0][i]));
            expectedD = Math.max(expectedD, Math.abs(d[0][i]));
        }
        assertEquals(expectedF, largestF, 0.0, "the float tile's largest |x|");
        assertEquals(expectedD, largestD, 0.0, "the double tile's largest |x|");
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
