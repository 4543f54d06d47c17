package org.bn4j.core.loops;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Loops} with the incubating Vector API: floats are widened lane by lane to double and summed in
 * double lanes, so the precision is that of {@link ScalarLoops} at several times its speed. Lanes are combined
 * in a fixed order, then the scalar tail is added. Elementwise tiles do the scalar loops' operations in the same
 * order, without fused multiply-adds, so their results are the scalar ones bit for bit. Loaded only when the JVM has
 * {@code jdk.incubator.vector}.
 */
final class VectorLoops implements Loops {
    /**
     * The float vectors of every vector loop: the JVM's preferred width, or {@code -Dbn4j.vectorBits} (64 to 512). A
     * width the CPU lacks runs in the Vector API's plain-Java fallback, many times slower but with the same results,
     * so that one machine can check the results of another's width (see {@code CrossJdkReproducibilityTest}).
     */
    static final VectorSpecies<Float> FLOATS = floatSpecies();
    /** Double lanes in the same vector width: a float vector widens into exactly two of them. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, FLOATS.vectorShape());
    /** Float lanes per double vector: the floats that one widening converts (see {@link #widened}). */
    static final int HALF = DOUBLES.length();
    /** The bits of {@link #FLOATS}, and below of {@link #DOUBLE_DATA}, as integers, for magnitudes. */
    static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, FLOATS.vectorShape());
    /** The vectors of double data: {@link #DOUBLES}, the preferred width for doubles as for floats. */
    private static final VectorSpecies<Double> DOUBLE_DATA = DOUBLES;
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, DOUBLE_DATA.vectorShape());
    /**
     * Below this many values a run takes the scalar loops. Kept low so that short planes (NCW sequences of a few
     * dozen steps) still run their sums on vectors.
     */
    static final int MIN_VECTOR_VALUES = 16;

    private final ScalarLoops scalar = new ScalarLoops();

    private static VectorSpecies<Float> floatSpecies() {
        final String bits = System.getProperty("bn4j.vectorBits");
        return bits == null ? FloatVector.SPECIES_PREFERRED
                : VectorSpecies.of(float.class, VectorShape.forBitSize(Integer.parseInt(bits)));
    }

    @Override
    public String description() {
        return "vector-" + FLOATS.vectorBitSize();
    }

    @Override
    public void addDeviations(float[] a, int from, int to, double m, double[] deviations) {
        if (to - from < MIN_VECTOR_VALUES) {
            scalar.addDeviations(a, from, to, m, deviations);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        final int whole = wholeSecondHalvesBound(a.length, from, bound);
        final DoubleVector mean = DoubleVector.broadcast(DOUBLES, m);
        DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, q0 = d0, q1 = d0;
        int i = from;
        for (; i < whole; i += FLOATS.length()) {
            DoubleVector e0 = widened(a, i).sub(mean), e1 = widened(a, i + HALF).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        for (; i < bound; i += FLOATS.length()) {
            DoubleVector e0 = widened(a, i).sub(mean), e1 = widenedByLane(a, i + HALF).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        double sumD = sumOfLanes(d0.add(d1));
        double sumD2 = sumOfLanes(q0.add(q1));
        for (; i < to; i++) {
            double e = a[i] - m;
            sumD += e;
            sumD2 += e * e;
        }
        deviations[0] += sumD;
        deviations[1] += sumD2;
    }

    @Override
    public void addDeviations(double[] a, int from, int to, double m, double[] deviations) {
        final int step = 2 * DOUBLE_DATA.length();
        if (to - from < Math.max(MIN_VECTOR_VALUES, step)) {
            scalar.addDeviations(a, from, to, m, deviations);
            return;
        }
        final int bound = from + (to - from) / step * step;
        final DoubleVector mean = DoubleVector.broadcast(DOUBLE_DATA, m);
        DoubleVector d0 = DoubleVector.zero(DOUBLE_DATA), d1 = d0, q0 = d0, q1 = d0;
        int i = from;
        for (; i < bound; i += step) {
            DoubleVector e0 = DoubleVector.fromArray(DOUBLE_DATA, a, i).sub(mean);
            DoubleVector e1 = DoubleVector.fromArray(DOUBLE_DATA, a, i + DOUBLE_DATA.length()).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        double sumD = sumOfLanes(d0.add(d1));
        double sumD2 = sumOfLanes(q0.add(q1));
        for (; i < to; i++) {
            double e = a[i] - m;
            sumD += e;
            sumD2 += e * e;
        }
        deviations[0] += sumD;
        deviations[1] += sumD2;
    }

    @Override
    public void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums) {
        if (to - from < MIN_VECTOR_VALUES) {
            scalar.gradSums(x, dy, from, to, mean, sums);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        final int whole = wholeSecondHalvesBound(Math.min(x.length, dy.length), from, bound);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = from;
        for (; j < whole; j += FLOATS.length()) {
            DoubleVector ga = widened(dy, j), gb = widened(dy, j + HALF);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(x, j).sub(m), p0);
            p1 = gb.fma(widened(x, j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        for (; j < bound; j += FLOATS.length()) {
            DoubleVector ga = widened(dy, j), gb = widenedByLane(dy, j + HALF);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(x, j).sub(m), p0);
            p1 = gb.fma(widenedByLane(x, j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = sumOfLanes(g0.add(g1));
        double p = sumOfLanes(p0.add(p1));
        double s = sumOfLanes(s0.add(s1));
        for (; j < to; j++) {
            final double d = dy[j];
            g += d;
            p += d * (x[j] - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    @Override
    public void gradSums(double[] x, double[] dy, int from, int to, double mean, double[] sums) {
        if (to - from < Math.max(MIN_VECTOR_VALUES, DOUBLE_DATA.length())) {
            scalar.gradSums(x, dy, from, to, mean, sums);
            return;
        }
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        final DoubleVector m = DoubleVector.broadcast(DOUBLE_DATA, mean);
        DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, s0 = g0;
        int j = from;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector ga = DoubleVector.fromArray(DOUBLE_DATA, dy, j);
            g0 = g0.add(ga);
            p0 = ga.fma(DoubleVector.fromArray(DOUBLE_DATA, x, j).sub(m), p0);
            s0 = ga.fma(ga, s0);
        }
        double g = sumOfLanes(g0);
        double p = sumOfLanes(p0);
        double s = sumOfLanes(s0);
        for (; j < to; j++) {
            final double d = dy[j];
            g += d;
            p += d * (x[j] - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    @Override
    public double largestMagnitude(float[] a, int from, int to) {
        if (to - from < MIN_VECTOR_VALUES) {
            return scalar.largestMagnitude(a, from, to);
        }
        final int bound = from + FLOATS.loopBound(to - from);
        IntVector largest = IntVector.zero(INTS);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            largest = largest.max(magnitudeBits(FloatVector.fromArray(FLOATS, a, i)));
        }
        return Math.max(largestOf(largest), scalar.largestMagnitude(a, i, to));
    }

    @Override
    public double largestMagnitude(double[] a, int from, int to) {
        if (to - from < MIN_VECTOR_VALUES) {
            return scalar.largestMagnitude(a, from, to);
        }
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        LongVector largest = LongVector.zero(LONGS);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            largest = largest.max(DoubleVector.fromArray(DOUBLE_DATA, a, i).reinterpretAsLongs().and(Long.MAX_VALUE));
        }
        // As for floats (see magnitudeBits): NaN's bits beat infinity's, which beat every finite magnitude's.
        return Math.max(Double.longBitsToDouble(largest.reduceLanes(VectorOperators.MAX)), scalar.largestMagnitude(a, i, to));
    }

    // Row sums run down a block of channel lanes, row after row, with the sums in registers; channels that do not fill
    // a vector run down the rows one at a time.

    @Override
    public void addRowDeviations(float[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
        final int lanes = FLOATS.length(), half = DOUBLES.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLES, mean, ch);
            final DoubleVector m1 = DoubleVector.fromArray(DOUBLES, mean, ch + half);
            DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, q0 = d0, q1 = d0;
            final int whole = wholeSecondHalves(a.length, base + ch, rows, c);
            int r = 0, i = base + ch;
            for (; r < whole; r++, i += c) {
                DoubleVector e0 = widened(a, i).sub(m0), e1 = widened(a, i + HALF).sub(m1);
                d0 = d0.add(e0);
                d1 = d1.add(e1);
                q0 = e0.fma(e0, q0);
                q1 = e1.fma(e1, q1);
            }
            for (; r < rows; r++, i += c) {
                DoubleVector e0 = widened(a, i).sub(m0), e1 = widenedByLane(a, i + HALF).sub(m1);
                d0 = d0.add(e0);
                d1 = d1.add(e1);
                q0 = e0.fma(e0, q0);
                q1 = e1.fma(e1, q1);
            }
            addInto(sumD, ch, d0);
            addInto(sumD, ch + half, d1);
            addInto(sumD2, ch, q0);
            addInto(sumD2, ch + half, q1);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double d = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double e = a[i] - mean[ch];
                d += e;
                q += e * e;
            }
            sumD[ch] += d;
            sumD2[ch] += q;
        }
    }

    @Override
    public void addRowDeviations(double[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
        final int lanes = DOUBLE_DATA.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLE_DATA, mean, ch);
            DoubleVector d0 = DoubleVector.zero(DOUBLE_DATA), q0 = d0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector e0 = DoubleVector.fromArray(DOUBLE_DATA, a, i).sub(m0);
                d0 = d0.add(e0);
                q0 = e0.fma(e0, q0);
            }
            addInto(sumD, ch, d0);
            addInto(sumD2, ch, q0);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double d = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double e = a[i] - mean[ch];
                d += e;
                q += e * e;
            }
            sumD[ch] += d;
            sumD2[ch] += q;
        }
    }

    @Override
    public void addRowGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                               double[] sumDyXc, double[] sumDySq) {
        final int lanes = FLOATS.length(), half = DOUBLES.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLES, mean, ch);
            final DoubleVector m1 = DoubleVector.fromArray(DOUBLES, mean, ch + half);
            DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
            final int whole = wholeSecondHalves(Math.min(x.length, dy.length), base + ch, rows, c);
            int r = 0, i = base + ch;
            for (; r < whole; r++, i += c) {
                DoubleVector ga = widened(dy, i), gb = widened(dy, i + HALF);
                g0 = g0.add(ga);
                g1 = g1.add(gb);
                p0 = ga.fma(widened(x, i).sub(m0), p0);
                p1 = gb.fma(widened(x, i + HALF).sub(m1), p1);
                s0 = ga.fma(ga, s0);
                s1 = gb.fma(gb, s1);
            }
            for (; r < rows; r++, i += c) {
                DoubleVector ga = widened(dy, i), gb = widenedByLane(dy, i + HALF);
                g0 = g0.add(ga);
                g1 = g1.add(gb);
                p0 = ga.fma(widened(x, i).sub(m0), p0);
                p1 = gb.fma(widenedByLane(x, i + HALF).sub(m1), p1);
                s0 = ga.fma(ga, s0);
                s1 = gb.fma(gb, s1);
            }
            addInto(sumDy, ch, g0);
            addInto(sumDy, ch + half, g1);
            addInto(sumDyXc, ch, p0);
            addInto(sumDyXc, ch + half, p1);
            addInto(sumDySq, ch, s0);
            addInto(sumDySq, ch + half, s1);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = dy[i];
                g += d;
                p += d * (x[i] - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    @Override
    public void addRowGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                               double[] sumDyXc, double[] sumDySq) {
        final int lanes = DOUBLE_DATA.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLE_DATA, mean, ch);
            DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, s0 = g0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector ga = DoubleVector.fromArray(DOUBLE_DATA, dy, i);
                g0 = g0.add(ga);
                p0 = ga.fma(DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(m0), p0);
                s0 = ga.fma(ga, s0);
            }
            addInto(sumDy, ch, g0);
            addInto(sumDyXc, ch, p0);
            addInto(sumDySq, ch, s0);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = dy[i];
                g += d;
                p += d * (x[i] - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    private static void addInto(double[] sums, int from, DoubleVector v) {
        DoubleVector.fromArray(v.species(), sums, from).add(v).intoArray(sums, from);
    }

    @Override
    public void normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] scale,
                              float[] shift) {
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector.fromArray(FLOATS, x, base + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j)).mul(FloatVector.fromArray(FLOATS, scale, j))
                    .add(FloatVector.fromArray(FLOATS, shift, j)).intoArray(y, base + j);
        }
        for (; j < n; j++) {
            y[base + j] = ((x[base + j] - hi[j]) - lo[j]) * scale[j] + shift[j];
        }
    }

    @Override
    public void normalizeTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] scale,
                              double[] shift) {
        final int bound = DOUBLE_DATA.loopBound(n);
        int j = 0;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector.fromArray(DOUBLE_DATA, x, base + j).sub(DoubleVector.fromArray(DOUBLE_DATA, hi, j))
                    .sub(DoubleVector.fromArray(DOUBLE_DATA, lo, j)).mul(DoubleVector.fromArray(DOUBLE_DATA, scale, j))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, shift, j)).intoArray(y, base + j);
        }
        for (; j < n; j++) {
            y[base + j] = ((x[base + j] - hi[j]) - lo[j]) * scale[j] + shift[j];
        }
    }

    @Override
    public void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k,
                              float[] q, float[] r) {
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector centred = FloatVector.fromArray(FLOATS, x, base + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector.fromArray(FLOATS, k, j).mul(FloatVector.fromArray(FLOATS, dy, base + j))
                    .add(FloatVector.fromArray(FLOATS, q, j).mul(centred))
                    .add(FloatVector.fromArray(FLOATS, r, j)).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            dx[base + j] = k[j] * dy[base + j] + q[j] * ((x[base + j] - hi[j]) - lo[j]) + r[j];
        }
    }

    @Override
    public void gradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo,
                              double[] k, double[] q, double[] r) {
        final int bound = DOUBLE_DATA.loopBound(n);
        int j = 0;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector centred = DoubleVector.fromArray(DOUBLE_DATA, x, base + j)
                    .sub(DoubleVector.fromArray(DOUBLE_DATA, hi, j)).sub(DoubleVector.fromArray(DOUBLE_DATA, lo, j));
            DoubleVector.fromArray(DOUBLE_DATA, k, j).mul(DoubleVector.fromArray(DOUBLE_DATA, dy, base + j))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, q, j).mul(centred))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, r, j)).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            dx[base + j] = k[j] * dy[base + j] + q[j] * ((x[base + j] - hi[j]) - lo[j]) + r[j];
        }
    }

    // --- with an activation: the same operations as ScalarLoops' in the same order, so results equal them bit for bit
    // where ScalarLoops' do (elementwise passes), and the gated values that the sums add are exact in float

    /** @return {@code act(v)}: {@code max(v, 0)} for ReLU, {@code max(v, slope * v)} for leaky ReLU */
    static FloatVector activated(FloatVector v, float slope) {
        return slope == 0 ? v.max(0f) : v.max(v.mul(slope));
    }

    static DoubleVector activated(DoubleVector v, double slope) {
        return slope == 0 ? v.max(0d) : v.max(v.mul(slope));
    }

    /** @return {@code v > 0 ? dy : slope * dy}, lane by lane */
    static FloatVector gated(FloatVector v, FloatVector dy, float slope) {
        return dy.mul(slope).blend(dy, v.compare(VectorOperators.GT, 0f));
    }

    static DoubleVector gated(DoubleVector v, DoubleVector dy, double slope) {
        return dy.mul(slope).blend(dy, v.compare(VectorOperators.GT, 0d));
    }

    @Override
    public void normalizeActivated(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b,
                                   float slope) {
        final int bound = from + FLOATS.loopBound(to - from);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            activated(FloatVector.fromArray(FLOATS, x, i).sub(hi).sub(lo).mul(a).add(b), slope).intoArray(y, i);
        }
        scalar.normalizeActivated(x, y, i, to, hi, lo, a, b, slope);
    }

    @Override
    public void normalizeActivated(double[] x, double[] y, int from, int to, double hi, double lo, double a, double b,
                                   double slope) {
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            activated(DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(hi).sub(lo).mul(a).add(b), slope).intoArray(y, i);
        }
        scalar.normalizeActivated(x, y, i, to, hi, lo, a, b, slope);
    }

    @Override
    public void normalizeActivatedTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a,
                                       float[] b, float slope) {
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = FloatVector.fromArray(FLOATS, x, base + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j)).mul(FloatVector.fromArray(FLOATS, a, j))
                    .add(FloatVector.fromArray(FLOATS, b, j));
            activated(v, slope).intoArray(y, base + j);
        }
        for (; j < n; j++) {
            y[base + j] = LeakyRelu.activated(((x[base + j] - hi[j]) - lo[j]) * a[j] + b[j], slope);
        }
    }

    @Override
    public void normalizeActivatedTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] a,
                                       double[] b, double slope) {
        final int bound = DOUBLE_DATA.loopBound(n);
        int j = 0;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector v = DoubleVector.fromArray(DOUBLE_DATA, x, base + j)
                    .sub(DoubleVector.fromArray(DOUBLE_DATA, hi, j)).sub(DoubleVector.fromArray(DOUBLE_DATA, lo, j))
                    .mul(DoubleVector.fromArray(DOUBLE_DATA, a, j)).add(DoubleVector.fromArray(DOUBLE_DATA, b, j));
            activated(v, slope).intoArray(y, base + j);
        }
        for (; j < n; j++) {
            y[base + j] = LeakyRelu.activated(((x[base + j] - hi[j]) - lo[j]) * a[j] + b[j], slope);
        }
    }

    /** @return the first {@link #HALF} lanes of {@code v} widened to double, as {@link #widened} takes them */
    static DoubleVector firstHalf(FloatVector v) {
        return (DoubleVector) v.convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /**
     * @return the gated gradient of the first {@link #HALF} lanes of whole float vectors x and dy (see
     * {@link #widened} for why whole), widened to double, with coefficient vectors whose first lanes are theirs
     */
    static DoubleVector gatedHalf(FloatVector x, FloatVector dy, FloatVector hi, FloatVector lo, FloatVector a,
                                  FloatVector b, float slope) {
        return firstHalf(gated(x.sub(hi).sub(lo).mul(a).add(b), dy, slope));
    }

    /**
     * As {@link #gatedHalf}, lane by lane from any index, with the coefficients of lane k at
     * {@code [ch + k * step]}: step 1 for rows of channels, 0 for a run of one channel.
     */
    private static DoubleVector gatedByLane(float[] x, float[] dy, int i, float[] hi, float[] lo, float[] a,
                                            float[] b, int ch, int step, float slope) {
        final double[] lanes = new double[HALF];
        for (int k = 0; k < HALF; k++) {
            final int c = ch + k * step;
            lanes[k] = LeakyRelu.gated(((x[i + k] - hi[c]) - lo[c]) * a[c] + b[c], dy[i + k], slope);
        }
        return DoubleVector.fromArray(DOUBLES, lanes, 0);
    }

    @Override
    public void gatedGradSums(float[] x, float[] dy, int from, int to, double mean, float hi, float lo, float a,
                              float b, float slope, double[] sums) {
        if (to - from < MIN_VECTOR_VALUES) {
            scalar.gatedGradSums(x, dy, from, to, mean, hi, lo, a, b, slope, sums);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        final int whole = wholeSecondHalvesBound(Math.min(x.length, dy.length), from, bound);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = from;
        for (; j < whole; j += FLOATS.length()) {
            FloatVector xa = FloatVector.fromArray(FLOATS, x, j), xb = FloatVector.fromArray(FLOATS, x, j + HALF);
            DoubleVector ga = gatedHalf(xa, FloatVector.fromArray(FLOATS, dy, j), vh, vl, va, vb, slope);
            DoubleVector gb = gatedHalf(xb, FloatVector.fromArray(FLOATS, dy, j + HALF), vh, vl, va, vb, slope);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(firstHalf(xa).sub(m), p0);
            p1 = gb.fma(firstHalf(xb).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xa = FloatVector.fromArray(FLOATS, x, j);
            DoubleVector ga = gatedHalf(xa, FloatVector.fromArray(FLOATS, dy, j), vh, vl, va, vb, slope);
            DoubleVector gb = gatedByLane(x, dy, j + HALF, new float[] {hi}, new float[] {lo}, new float[] {a},
                    new float[] {b}, 0, 0, slope);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(firstHalf(xa).sub(m), p0);
            p1 = gb.fma(widenedByLane(x, j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = sumOfLanes(g0.add(g1));
        double p = sumOfLanes(p0.add(p1));
        double s = sumOfLanes(s0.add(s1));
        for (; j < to; j++) {
            final double d = LeakyRelu.gated(((x[j] - hi) - lo) * a + b, dy[j], slope);
            g += d;
            p += d * (x[j] - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    @Override
    public void gatedGradSums(double[] x, double[] dy, int from, int to, double mean, double hi, double lo, double a,
                              double b, double slope, double[] sums) {
        if (to - from < Math.max(MIN_VECTOR_VALUES, DOUBLE_DATA.length())) {
            scalar.gatedGradSums(x, dy, from, to, mean, hi, lo, a, b, slope, sums);
            return;
        }
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        final DoubleVector m = DoubleVector.broadcast(DOUBLE_DATA, mean);
        DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, s0 = g0;
        int j = from;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, j);
            DoubleVector ga = gated(xv.sub(hi).sub(lo).mul(a).add(b), DoubleVector.fromArray(DOUBLE_DATA, dy, j),
                    slope);
            g0 = g0.add(ga);
            p0 = ga.fma(xv.sub(m), p0);
            s0 = ga.fma(ga, s0);
        }
        double g = sumOfLanes(g0);
        double p = sumOfLanes(p0);
        double s = sumOfLanes(s0);
        for (; j < to; j++) {
            final double d = LeakyRelu.gated(((x[j] - hi) - lo) * a + b, dy[j], slope);
            g += d;
            p += d * (x[j] - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    @Override
    public void addRowGatedGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, float[] hi,
                                    float[] lo, float[] a, float[] b, float slope, double[] sumDy, double[] sumDyXc,
                                    double[] sumDySq) {
        final int vectorChannels = c - c % FLOATS.length();
        for (int ch = 0; ch < vectorChannels; ch += HALF) {
            addRowGatedGradSumsOfHalf(x, dy, base, rows, c, ch, mean, hi, lo, a, b, slope, sumDy, sumDyXc, sumDySq);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = LeakyRelu.gated(((x[i] - hi[ch]) - lo[ch]) * a[ch] + b[ch], dy[i], slope);
                g += d;
                p += d * (x[i] - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    /**
     * {@link #addRowGatedGradSums} for the {@link #HALF} channels from {@code ch}, each lane summed down the rows in
     * order. A method of its own per half vector of channels: both halves in one loop exceeded C2's inlining budget,
     * and the calls it left boxed every vector.
     */
    private static void addRowGatedGradSumsOfHalf(float[] x, float[] dy, int base, int rows, int c, int ch,
                                                  double[] mean, float[] hi, float[] lo, float[] a, float[] b,
                                                  float slope, double[] sumDy, double[] sumDyXc, double[] sumDySq) {
        final VectorMask<Float> half = FLOATS.indexInRange(0, HALF);
        final DoubleVector m = DoubleVector.fromArray(DOUBLES, mean, ch);
        final FloatVector vh = FloatVector.fromArray(FLOATS, hi, ch, half);
        final FloatVector vl = FloatVector.fromArray(FLOATS, lo, ch, half);
        final FloatVector va = FloatVector.fromArray(FLOATS, a, ch, half);
        final FloatVector vb = FloatVector.fromArray(FLOATS, b, ch, half);
        DoubleVector g = DoubleVector.zero(DOUBLES), p = g, q = g;
        final int whole = wholeVectors(Math.min(x.length, dy.length), base + ch, rows, c);
        int r = 0, i = base + ch;
        for (; r < whole; r++, i += c) {
            final FloatVector xv = FloatVector.fromArray(FLOATS, x, i);
            final DoubleVector d = gatedHalf(xv, FloatVector.fromArray(FLOATS, dy, i), vh, vl, va, vb, slope);
            g = g.add(d);
            p = d.fma(firstHalf(xv).sub(m), p);
            q = d.fma(d, q);
        }
        for (; r < rows; r++, i += c) {
            final DoubleVector d = gatedByLane(x, dy, i, hi, lo, a, b, ch, 1, slope);
            g = g.add(d);
            p = d.fma(widenedByLane(x, i).sub(m), p);
            q = d.fma(d, q);
        }
        addInto(sumDy, ch, g);
        addInto(sumDyXc, ch, p);
        addInto(sumDySq, ch, q);
    }

    @Override
    public void addRowGatedGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] hi,
                                    double[] lo, double[] a, double[] b, double slope, double[] sumDy,
                                    double[] sumDyXc, double[] sumDySq) {
        final int lanes = DOUBLE_DATA.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLE_DATA, mean, ch);
            final DoubleVector h0 = DoubleVector.fromArray(DOUBLE_DATA, hi, ch);
            final DoubleVector l0 = DoubleVector.fromArray(DOUBLE_DATA, lo, ch);
            final DoubleVector a0 = DoubleVector.fromArray(DOUBLE_DATA, a, ch);
            final DoubleVector b0 = DoubleVector.fromArray(DOUBLE_DATA, b, ch);
            DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, s0 = g0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, i);
                DoubleVector ga = gated(xv.sub(h0).sub(l0).mul(a0).add(b0), DoubleVector.fromArray(DOUBLE_DATA, dy, i),
                        slope);
                g0 = g0.add(ga);
                p0 = ga.fma(xv.sub(m0), p0);
                s0 = ga.fma(ga, s0);
            }
            addInto(sumDy, ch, g0);
            addInto(sumDyXc, ch, p0);
            addInto(sumDySq, ch, s0);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = LeakyRelu.gated(((x[i] - hi[ch]) - lo[ch]) * a[ch] + b[ch], dy[i], slope);
                g += d;
                p += d * (x[i] - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    @Override
    public void gatedGradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo, float k,
                               float q, float r, float a, float b, float slope) {
        final int bound = from + FLOATS.loopBound(to - from);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector xc = FloatVector.fromArray(FLOATS, x, i).sub(hi).sub(lo);
            FloatVector g = gated(xc.mul(a).add(b), FloatVector.fromArray(FLOATS, dy, i), slope);
            g.mul(k).add(xc.mul(q)).add(r).intoArray(dx, i);
        }
        scalar.gatedGradApply(x, dy, dx, i, to, hi, lo, k, q, r, a, b, slope);
    }

    @Override
    public void gatedGradApply(double[] x, double[] dy, double[] dx, int from, int to, double hi, double lo, double k,
                               double q, double r, double a, double b, double slope) {
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            DoubleVector xc = DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(hi).sub(lo);
            DoubleVector g = gated(xc.mul(a).add(b), DoubleVector.fromArray(DOUBLE_DATA, dy, i), slope);
            g.mul(k).add(xc.mul(q)).add(r).intoArray(dx, i);
        }
        scalar.gatedGradApply(x, dy, dx, i, to, hi, lo, k, q, r, a, b, slope);
    }

    @Override
    public void gatedGradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo,
                                   float[] k, float[] q, float[] r, float[] a, float[] b, float slope) {
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xc = FloatVector.fromArray(FLOATS, x, base + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector v = xc.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j));
            FloatVector g = gated(v, FloatVector.fromArray(FLOATS, dy, base + j), slope);
            FloatVector.fromArray(FLOATS, k, j).mul(g).add(FloatVector.fromArray(FLOATS, q, j).mul(xc))
                    .add(FloatVector.fromArray(FLOATS, r, j)).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            final float xc = (x[base + j] - hi[j]) - lo[j];
            dx[base + j] = k[j] * LeakyRelu.gated(xc * a[j] + b[j], dy[base + j], slope) + q[j] * xc + r[j];
        }
    }

    @Override
    public void gatedGradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo,
                                   double[] k, double[] q, double[] r, double[] a, double[] b, double slope) {
        final int bound = DOUBLE_DATA.loopBound(n);
        int j = 0;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector xc = DoubleVector.fromArray(DOUBLE_DATA, x, base + j)
                    .sub(DoubleVector.fromArray(DOUBLE_DATA, hi, j)).sub(DoubleVector.fromArray(DOUBLE_DATA, lo, j));
            DoubleVector v = xc.mul(DoubleVector.fromArray(DOUBLE_DATA, a, j))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, b, j));
            DoubleVector g = gated(v, DoubleVector.fromArray(DOUBLE_DATA, dy, base + j), slope);
            DoubleVector.fromArray(DOUBLE_DATA, k, j).mul(g).add(DoubleVector.fromArray(DOUBLE_DATA, q, j).mul(xc))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, r, j)).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            final double xc = (x[base + j] - hi[j]) - lo[j];
            dx[base + j] = k[j] * LeakyRelu.gated(xc * a[j] + b[j], dy[base + j], slope) + q[j] * xc + r[j];
        }
    }

    /**
     * @return the bits of {@code |v|} as integers. Their integer order is the order of the magnitudes, with infinity
     * above every finite value and NaN above infinity, so an integer maximum finds the largest magnitude and carries
     * NaN in one cycle, where a float maximum with Java's NaN and signed-zero rules takes several instructions.
     */
    static IntVector magnitudeBits(FloatVector v) {
        return v.reinterpretAsInts().and(Integer.MAX_VALUE);
    }

    /** @return the magnitude whose bits are the largest lane of {@code bits} (see {@link #magnitudeBits}) */
    static double largestOf(IntVector bits) {
        return Float.intBitsToFloat(bits.reduceLanes(VectorOperators.MAX));
    }

    /**
     * @return the lanes of {@code v} added in lane order. {@code reduceLanes(ADD)} leaves the order to the JDK, and
     * JDK 17 and JDK 25 add in different orders (a different last bit), so results would depend on the JDK.
     */
    static double sumOfLanes(DoubleVector v) {
        double sum = 0;
        for (int lane = 0; lane < v.length(); lane++) {
            sum += v.lane(lane);
        }
        return sum;
    }

    /**
     * @return {@code a[i, i + HALF)} widened to double: the first half of the whole float vector from {@code i},
     * converted lane for lane. That vector must lie within the array; see {@link #wholeSecondHalves}.
     *
     * <p>Not a half-width float vector: a second float species leaves type-check traps in the JDK's shared vector
     * methods, and past {@code -XX:PerMethodTrapLimit} C2 compiles later loops with virtual calls where it needs
     * constants, losing their vector stores. Not the second half of a whole vector (a part number) either: C2 compiles
     * that conversion worse, sometimes to a boxed path. See docs/performance.md, design decisions.
     */
    static DoubleVector widened(float[] a, int i) {
        return (DoubleVector) FloatVector.fromArray(FLOATS, a, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /** @return {@code a[i, i + HALF)} widened lane by lane: the same values as {@link #widened}, from any index */
    static DoubleVector widenedByLane(float[] a, int i) {
        final double[] lanes = new double[HALF];
        for (int k = 0; k < HALF; k++) {
            lanes[k] = a[i + k];
        }
        return DoubleVector.fromArray(DOUBLES, lanes, 0);
    }

    /**
     * @return how many of the {@code n} blocks from index {@code i}, {@code step} apart, can widen their second half
     * ({@code i + HALF}) from a whole float vector within {@code length} values; the rest (at the data's end) widen
     * it lane by lane, in a loop of their own, as a branch in the loop would merge two vectors and box them
     */
    static int wholeSecondHalves(int length, int i, int n, int step) {
        return wholeVectors(length, i + HALF, n, step);
    }

    /**
     * @return how many of the {@code n} blocks from index {@code i}, {@code step} apart, can load a whole float vector
     * within {@code length} values
     */
    static int wholeVectors(int length, int i, int n, int step) {
        final int last = length - FLOATS.length();
        return last < i ? 0 : Math.min(n, (last - i) / step + 1);
    }

    /** @return the end of the vector blocks in {@code [from, bound)} that {@link #wholeSecondHalves} allows */
    static int wholeSecondHalvesBound(int length, int from, int bound) {
        final int lanes = FLOATS.length();
        return from + wholeSecondHalves(length, from, (bound - from) / lanes, lanes) * lanes;
    }
}
