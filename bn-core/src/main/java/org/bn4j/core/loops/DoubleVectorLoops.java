package org.bn4j.core.loops;

import static org.bn4j.core.loops.Lanes.DOUBLES;
import static org.bn4j.core.loops.Lanes.MIN_VECTOR_VALUES;
import static org.bn4j.core.loops.Lanes.activated;
import static org.bn4j.core.loops.Lanes.addInto;
import static org.bn4j.core.loops.Lanes.gated;
import static org.bn4j.core.loops.Lanes.sumOfLanes;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DoubleLoops} with the incubating Vector API on heap arrays: sums in double lanes of the float loops' width, in
 * a fixed lane order, then the scalar tail; runs too short for vectors, and the elementwise runs, which the JIT
 * vectorizes by itself, take the plain-Java loops this class extends. Elementwise loops do the scalar loops'
 * operations in the same order, without fused multiply-adds, so their results are the scalar ones bit for bit.
 * Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class DoubleVectorLoops extends DoubleScalarLoops {
    /** The vectors of double data: {@link Lanes#DOUBLES}, the preferred width for doubles as for floats. */
    private static final VectorSpecies<Double> DOUBLE_DATA = DOUBLES;
    private static final VectorSpecies<Long> LONGS = VectorSpecies.of(long.class, DOUBLE_DATA.vectorShape());

    @Override
    public String description() {
        return "vector-" + Lanes.FLOATS.vectorBitSize();
    }

    @Override
    public void addDeviations(double[] x, int from, int to, double m, double[] deviations) {
        final int step = 2 * DOUBLE_DATA.length();
        if (to - from < Math.max(MIN_VECTOR_VALUES, step)) {
            super.addDeviations(x, from, to, m, deviations);
            return;
        }
        final int bound = from + (to - from) / step * step;
        final DoubleVector mean = DoubleVector.broadcast(DOUBLE_DATA, m);
        DoubleVector d0 = DoubleVector.zero(DOUBLE_DATA), d1 = d0, q0 = d0, q1 = d0;
        int i = from;
        for (; i < bound; i += step) {
            DoubleVector e0 = DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(mean);
            DoubleVector e1 = DoubleVector.fromArray(DOUBLE_DATA, x, i + DOUBLE_DATA.length()).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        double sumD = sumOfLanes(d0.add(d1));
        double sumD2 = sumOfLanes(q0.add(q1));
        for (; i < to; i++) {
            double e = x[i] - m;
            sumD += e;
            sumD2 += e * e;
        }
        deviations[0] += sumD;
        deviations[1] += sumD2;
    }

    @Override
    public void gradSums(double[] x, double[] dy, int from, int to, double mean, double[] sums) {
        if (to - from < Math.max(MIN_VECTOR_VALUES, DOUBLE_DATA.length())) {
            super.gradSums(x, dy, from, to, mean, sums);
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
    public void gatedGradSums(double[] x, double[] dy, int from, int to, double mean, double s, double t,
                              double slope, double[] sums) {
        if (to - from < Math.max(MIN_VECTOR_VALUES, DOUBLE_DATA.length())) {
            super.gatedGradSums(x, dy, from, to, mean, s, t, slope, sums);
            return;
        }
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        final DoubleVector m = DoubleVector.broadcast(DOUBLE_DATA, mean);
        final DoubleVector vs = DoubleVector.broadcast(DOUBLE_DATA, s), vt = DoubleVector.broadcast(DOUBLE_DATA, t);
        DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, s0 = g0;
        int j = from;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, j);
            DoubleVector ga = gated(xv, DoubleVector.fromArray(DOUBLE_DATA, dy, j), vs, vt, slope);
            g0 = g0.add(ga);
            p0 = ga.fma(xv.sub(m), p0);
            s0 = ga.fma(ga, s0);
        }
        double g = sumOfLanes(g0);
        double p = sumOfLanes(p0);
        double q = sumOfLanes(s0);
        for (; j < to; j++) {
            final double d = LeakyRelu.gated(s * x[j] > t, dy[j], slope);
            g += d;
            p += d * (x[j] - mean);
            q += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += q;
    }

    @Override
    public double largestMagnitude(double[] x, int from, int to) {
        if (to - from < MIN_VECTOR_VALUES) {
            return super.largestMagnitude(x, from, to);
        }
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        LongVector largest = LongVector.zero(LONGS);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            largest = largest.max(DoubleVector.fromArray(DOUBLE_DATA, x, i).reinterpretAsLongs().and(Long.MAX_VALUE));
        }
        // As for floats (see magnitudeBits): NaN's bits beat infinity's, which beat every finite magnitude's.
        return Math.max(Double.longBitsToDouble(largest.reduceLanes(VectorOperators.MAX)),
                super.largestMagnitude(x, i, to));
    }

    @Override
    public double normalizeActivated(double[] x, double[] y, int from, int to, double hi, double lo, double a, double b,
                                     double slope, boolean measure) {
        final double largest = measure ? largestMagnitude(x, from, to) : 0;
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            activated(DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(hi).sub(lo).mul(a).add(b), slope).intoArray(y, i);
        }
        for (; i < to; i++) {
            y[i] = LeakyRelu.activated(((x[i] - hi) - lo) * a + b, slope);
        }
        return largest;
    }

    @Override
    public void gatedGradApply(double[] x, double[] dy, double[] dx, int from, int to, double hi, double lo, double k,
                               double q, double r, double s, double t, double slope) {
        final int bound = from + DOUBLE_DATA.loopBound(to - from);
        final DoubleVector vs = DoubleVector.broadcast(DOUBLE_DATA, s), vt = DoubleVector.broadcast(DOUBLE_DATA, t);
        int i = from;
        for (; i < bound; i += DOUBLE_DATA.length()) {
            DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, i);
            DoubleVector g = gated(xv, DoubleVector.fromArray(DOUBLE_DATA, dy, i), vs, vt, slope);
            g.mul(k).add(xv.sub(hi).sub(lo).mul(q)).add(r).intoArray(dx, i);
        }
        super.gatedGradApply(x, dy, dx, i, to, hi, lo, k, q, r, s, t, slope);
    }

    @Override
    public void addRowDeviations(double[] x, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
        final int lanes = DOUBLE_DATA.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLE_DATA, mean, ch);
            DoubleVector d0 = DoubleVector.zero(DOUBLE_DATA), q0 = d0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector e0 = DoubleVector.fromArray(DOUBLE_DATA, x, i).sub(m0);
                d0 = d0.add(e0);
                q0 = e0.fma(e0, q0);
            }
            addInto(sumD, ch, d0);
            addInto(sumD2, ch, q0);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double d = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double e = x[i] - mean[ch];
                d += e;
                q += e * e;
            }
            sumD[ch] += d;
            sumD2[ch] += q;
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

    @Override
    public void addRowGatedGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] s,
                                    double[] t, double slope, double[] sumDy, double[] sumDyXc, double[] sumDySq) {
        final int lanes = DOUBLE_DATA.length(), vectorChannels = c - c % lanes;
        for (int ch = 0; ch < vectorChannels; ch += lanes) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLE_DATA, mean, ch);
            final DoubleVector s0 = DoubleVector.fromArray(DOUBLE_DATA, s, ch);
            final DoubleVector t0 = DoubleVector.fromArray(DOUBLE_DATA, t, ch);
            DoubleVector g0 = DoubleVector.zero(DOUBLE_DATA), p0 = g0, q0 = g0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, i);
                DoubleVector ga = gated(xv, DoubleVector.fromArray(DOUBLE_DATA, dy, i), s0, t0, slope);
                g0 = g0.add(ga);
                p0 = ga.fma(xv.sub(m0), p0);
                q0 = ga.fma(ga, q0);
            }
            addInto(sumDy, ch, g0);
            addInto(sumDyXc, ch, p0);
            addInto(sumDySq, ch, q0);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = LeakyRelu.gated(s[ch] * x[i] > t[ch], dy[i], slope);
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
    public double normalizeTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] scale,
                                double[] shift, boolean measure) {
        final double largest = measure ? largestMagnitude(x, base, base + n) : 0;
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
        return largest;
    }

    @Override
    public double normalizeActivatedTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] a,
                                         double[] b, double slope, boolean measure) {
        final double largest = measure ? largestMagnitude(x, base, base + n) : 0;
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
        return largest;
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

    @Override
    public void gatedGradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo,
                                   double[] k, double[] q, double[] r, double[] s, double[] t, double slope) {
        final int bound = DOUBLE_DATA.loopBound(n);
        int j = 0;
        for (; j < bound; j += DOUBLE_DATA.length()) {
            DoubleVector xv = DoubleVector.fromArray(DOUBLE_DATA, x, base + j);
            DoubleVector xc = xv.sub(DoubleVector.fromArray(DOUBLE_DATA, hi, j))
                    .sub(DoubleVector.fromArray(DOUBLE_DATA, lo, j));
            DoubleVector g = gated(xv, DoubleVector.fromArray(DOUBLE_DATA, dy, base + j),
                    DoubleVector.fromArray(DOUBLE_DATA, s, j), DoubleVector.fromArray(DOUBLE_DATA, t, j), slope);
            DoubleVector.fromArray(DOUBLE_DATA, k, j).mul(g).add(DoubleVector.fromArray(DOUBLE_DATA, q, j).mul(xc))
                    .add(DoubleVector.fromArray(DOUBLE_DATA, r, j)).intoArray(dx, base + j);
        }
        for (; j < n; j++) {
            final double g = LeakyRelu.gated(s[j] * x[base + j] > t[j], dy[base + j], slope);
            dx[base + j] = k[j] * g + q[j] * ((x[base + j] - hi[j]) - lo[j]) + r[j];
        }
    }
}
