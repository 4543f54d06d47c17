package org.bn4j.core.loops;

import static org.bn4j.core.loops.FloatArrayMemory.get;
import static org.bn4j.core.loops.FloatArrayMemory.length;
import static org.bn4j.core.loops.FloatArrayMemory.load;
import static org.bn4j.core.loops.FloatArrayMemory.padded;
import static org.bn4j.core.loops.FloatArrayMemory.put;
import static org.bn4j.core.loops.FloatArrayMemory.staged;
import static org.bn4j.core.loops.FloatArrayMemory.stagedOffset;
import static org.bn4j.core.loops.FloatArrayMemory.store;
import static org.bn4j.core.loops.FloatArrayMemory.vectorMemory;
import static org.bn4j.core.loops.FloatArrayMemory.widened;
import static org.bn4j.core.loops.Lanes.DOUBLES;
import static org.bn4j.core.loops.Lanes.FLOATS;
import static org.bn4j.core.loops.Lanes.HALF;
import static org.bn4j.core.loops.Lanes.INTS;
import static org.bn4j.core.loops.Lanes.MIN_VECTOR_VALUES;
import static org.bn4j.core.loops.Lanes.activated;
import static org.bn4j.core.loops.Lanes.addInto;
import static org.bn4j.core.loops.Lanes.firstHalf;
import static org.bn4j.core.loops.Lanes.gated;
import static org.bn4j.core.loops.Lanes.largestOf;
import static org.bn4j.core.loops.Lanes.magnitudeBits;
import static org.bn4j.core.loops.Lanes.secondHalf;
import static org.bn4j.core.loops.Lanes.sumOfLanes;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import org.bn4j.core.storage.PerThreadDoubles;

/**
 * {@link FloatLoops} with the incubating Vector API, over values in memory {@code x}, {@code y},
 * {@code dy}, {@code dx} reached through {@link FloatArrayMemory}. Written once: bn-core's build compiles this source
 * a second time, over off-heap memory, as the class named {@code Direct} and this class's name, whose memory
 * parameters are {@code DirectFloats} and whose memory access is {@code OffHeapFloatMemory}'s (parameters named x, y,
 * dy and dx are memory; every other array holds per-channel or per-tile coefficients, loaded with {@code fromArray}).
 *
 * <p>Floats are widened lane by lane to double and summed in double lanes, so the precision is that of
 * {@link FloatScalarLoops} at several times its speed. Lanes are combined in a fixed order, then the scalar tail is
 * added; runs too short for vectors take {@link FloatScalarLoops}. Elementwise loops do the scalar loops' operations in
 * the same order, without fused multiply-adds (but for the activation's gate, whose {@code s * x} is exact), so their
 * results are the scalar ones bit for bit, on both memories.
 *
 * <p>One tail strategy: whole vectors, then the scalar tail. Sums widen the first half of a whole float vector at a
 * time, so a run or row block whose last half would load past the memory's end is copied, with room to spare, to an
 * array and summed there ({@link PaddedRuns}): the same lanes in the same order, where a lane-by-lane path in the
 * loop would merge two vectors and box them. That happens at a tensor's end only.
 */
public final class FloatVectorLoops implements FloatLoops<float[]> {
    private static final FloatScalarLoops SCALAR = new FloatScalarLoops();
    /** Per thread: the lanes of the gated row sums' vector loop, which its caller adds into the channel sums. */
    private static final PerThreadDoubles LANES = new PerThreadDoubles(1);

    @Override
    public String description() {
        return "vector-" + FLOATS.vectorBitSize();
    }

    @Override
    public void addDeviations(float[] x, int from, int to, double m, double[] deviations) {
        if (to - from < MIN_VECTOR_VALUES) {
            final int o = stagedOffset(from);
            SCALAR.addDeviations(staged(x, from, to, 0), o, o + (to - from), m, deviations);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        if (bound + HALF > length(x)) {
            PaddedRuns.LOOPS.addDeviations(padded(x, from, to, 0), 0, to - from, m, deviations);
            return;
        }
        final var xm = vectorMemory(x);
        final DoubleVector mean = DoubleVector.broadcast(DOUBLES, m);
        DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, q0 = d0, q1 = d0;
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            DoubleVector e0 = widened(xm, i).sub(mean), e1 = widened(xm, i + HALF).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        double sumD = sumOfLanes(d0.add(d1));
        double sumD2 = sumOfLanes(q0.add(q1));
        for (; i < to; i++) {
            double e = get(x, i) - m;
            sumD += e;
            sumD2 += e * e;
        }
        deviations[0] += sumD;
        deviations[1] += sumD2;
    }

    @Override
    public void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums) {
        if (to - from < MIN_VECTOR_VALUES) {
            final int o = stagedOffset(from);
            SCALAR.gradSums(staged(x, from, to, 0), staged(dy, from, to, 1), o, o + (to - from), mean, sums);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        if (bound + HALF > Math.min(length(x), length(dy))) {
            PaddedRuns.LOOPS.gradSums(padded(x, from, to, 0), padded(dy, from, to, 1), 0, to - from, mean, sums);
            return;
        }
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = from;
        for (; j < bound; j += FLOATS.length()) {
            DoubleVector ga = widened(gm, j), gb = widened(gm, j + HALF);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(xm, j).sub(m), p0);
            p1 = gb.fma(widened(xm, j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = sumOfLanes(g0.add(g1));
        double p = sumOfLanes(p0.add(p1));
        double s = sumOfLanes(s0.add(s1));
        for (; j < to; j++) {
            final double d = get(dy, j);
            g += d;
            p += d * (get(x, j) - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    @Override
    public double largestMagnitude(float[] x, int from, int to) {
        final var xm = vectorMemory(x);
        final int bound = to - from < MIN_VECTOR_VALUES ? from : from + FLOATS.loopBound(to - from);
        IntVector largest = IntVector.zero(INTS);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            largest = largest.max(magnitudeBits(load(xm, i)));
        }
        double result = largestOf(largest);
        for (; i < to; i++) {
            result = Math.max(result, Math.abs(get(x, i)));
        }
        return result;
    }

    @Override
    public void normalize(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b) {
        final var xm = vectorMemory(x);
        final var ym = vectorMemory(y);
        final int bound = from + FLOATS.loopBound(to - from);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            store(load(xm, i).sub(vh).sub(vl).mul(va).add(vb), ym, i);
        }
        for (; i < to; i++) {
            put(y, i, ((get(x, i) - hi) - lo) * a + b);
        }
    }

    @Override
    public double normalizeMeasuring(float[] x, float[] y, int from, int to, float hi, float lo, float a,
                                     float b) {
        final var xm = vectorMemory(x);
        final var ym = vectorMemory(y);
        final int bound = from + FLOATS.loopBound(to - from);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        IntVector largest = IntVector.zero(INTS);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector v = load(xm, i);
            largest = largest.max(magnitudeBits(v));
            store(v.sub(vh).sub(vl).mul(va).add(vb), ym, i);
        }
        double result = largestOf(largest);
        for (; i < to; i++) {
            final float v = get(x, i);
            result = Math.max(result, Math.abs(v));
            put(y, i, ((v - hi) - lo) * a + b);
        }
        return result;
    }

    @Override
    public void gradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo, float k,
                          float q, float r) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final var dm = vectorMemory(dx);
        final int bound = from + FLOATS.loopBound(to - from);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector vk = FloatVector.broadcast(FLOATS, k), vq = FloatVector.broadcast(FLOATS, q);
        final FloatVector vr = FloatVector.broadcast(FLOATS, r);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector xc = load(xm, i).sub(vh).sub(vl);
            store(vk.mul(load(gm, i)).add(vq.mul(xc)).add(vr), dm, i);
        }
        for (; i < to; i++) {
            put(dx, i, k * get(dy, i) + q * ((get(x, i) - hi) - lo) + r);
        }
    }

    // --- rows of c channels: tiles of whole rows with data at base + j and per-channel values repeated per row at j,
    // and sums down the rows per channel, a block of channel lanes at a time with the sums in registers; channels that
    // do not fill a vector run down the rows one at a time

    @Override
    public double normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a,
                                float[] b, boolean measure) {
        final var xm = vectorMemory(x);
        final var ym = vectorMemory(y);
        final int bound = FLOATS.loopBound(n);
        IntVector largest = IntVector.zero(INTS);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = load(xm, base + j);
            largest = largest.max(magnitudeBits(v));
            FloatVector xc = v.sub(FloatVector.fromArray(FLOATS, hi, j)).sub(FloatVector.fromArray(FLOATS, lo, j));
            store(xc.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j)), ym, base + j);
        }
        double result = largestOf(largest);
        for (; j < n; j++) {
            final float v = get(x, base + j);
            result = Math.max(result, Math.abs(v));
            put(y, base + j, ((v - hi[j]) - lo[j]) * a[j] + b[j]);
        }
        return measure ? result : 0;
    }

    @Override
    public void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo,
                              float[] k, float[] q, float[] r) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final var dm = vectorMemory(dx);
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xc = load(xm, base + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector g = FloatVector.fromArray(FLOATS, k, j).mul(load(gm, base + j));
            store(g.add(FloatVector.fromArray(FLOATS, q, j).mul(xc)).add(FloatVector.fromArray(FLOATS, r, j)), dm,
                    base + j);
        }
        for (; j < n; j++) {
            put(dx, base + j, k[j] * get(dy, base + j) + q[j] * ((get(x, base + j) - hi[j]) - lo[j]) + r[j]);
        }
    }

    @Override
    public void addRowDeviations(float[] x, int base, int rows, int c, double[] mean, double[] sumD,
                                 double[] sumD2) {
        if (rowsOverrun(base, rows, c, length(x))) {
            PaddedRuns.LOOPS.addRowDeviations(padded(x, base, base + rows * c, 0), 0, rows, c, mean, sumD, sumD2);
            return;
        }
        final int vectorChannels = c - c % FLOATS.length();
        final var xm = vectorMemory(x);
        for (int ch = 0; ch < vectorChannels; ch += FLOATS.length()) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLES, mean, ch);
            final DoubleVector m1 = DoubleVector.fromArray(DOUBLES, mean, ch + HALF);
            DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, q0 = d0, q1 = d0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector e0 = widened(xm, i).sub(m0), e1 = widened(xm, i + HALF).sub(m1);
                d0 = d0.add(e0);
                d1 = d1.add(e1);
                q0 = e0.fma(e0, q0);
                q1 = e1.fma(e1, q1);
            }
            addInto(sumD, ch, d0);
            addInto(sumD, ch + HALF, d1);
            addInto(sumD2, ch, q0);
            addInto(sumD2, ch + HALF, q1);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double d = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double e = get(x, i) - mean[ch];
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
        if (rowsOverrun(base, rows, c, Math.min(length(x), length(dy)))) {
            final int end = base + rows * c;
            PaddedRuns.LOOPS.addRowGradSums(padded(x, base, end, 0), padded(dy, base, end, 1), 0, rows, c, mean,
                    sumDy, sumDyXc, sumDySq);
            return;
        }
        final int vectorChannels = c - c % FLOATS.length();
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        for (int ch = 0; ch < vectorChannels; ch += FLOATS.length()) {
            final DoubleVector m0 = DoubleVector.fromArray(DOUBLES, mean, ch);
            final DoubleVector m1 = DoubleVector.fromArray(DOUBLES, mean, ch + HALF);
            DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                DoubleVector ga = widened(gm, i), gb = widened(gm, i + HALF);
                g0 = g0.add(ga);
                g1 = g1.add(gb);
                p0 = ga.fma(widened(xm, i).sub(m0), p0);
                p1 = gb.fma(widened(xm, i + HALF).sub(m1), p1);
                s0 = ga.fma(ga, s0);
                s1 = gb.fma(gb, s1);
            }
            addInto(sumDy, ch, g0);
            addInto(sumDy, ch + HALF, g1);
            addInto(sumDyXc, ch, p0);
            addInto(sumDyXc, ch + HALF, p1);
            addInto(sumDySq, ch, s0);
            addInto(sumDySq, ch + HALF, s1);
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final double d = get(dy, i);
                g += d;
                p += d * (get(x, i) - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    /**
     * @return whether the vector loads of rows of {@code c} channels from {@code base} would read past {@code length}:
     * the second half of the last row's last vector of channels ends a half vector past that block, so the rows at a
     * memory's end are summed from a padded copy (see {@link PaddedRuns})
     */
    private static boolean rowsOverrun(int base, int rows, int c, int length) {
        final int vectorChannels = c - c % FLOATS.length();
        return vectorChannels > 0 && base + (rows - 1) * c + vectorChannels + HALF > length;
    }

    // --- with an activation (see FloatLoops): act(v) in the forward pass, and in the backward pass dy gated where
    // s * x > t, one test per value (GateThreshold); the gated values that the sums add are exact in float, and the
    // gated sums run as the plain ones, both halves of each float vector in one loop

    @Override
    public double normalizeActivated(float[] x, float[] y, int from, int to, float hi, float lo, float a,
                                     float b, float slope, boolean measure) {
        final var xm = vectorMemory(x);
        final var ym = vectorMemory(y);
        final int bound = from + FLOATS.loopBound(to - from);
        if (!measure) {   // a loop of its own: the measuring one keeps its largest magnitude, asked for or not
            int i = from;
            for (; i < bound; i += FLOATS.length()) {
                store(activated(load(xm, i).sub(hi).sub(lo).mul(a).add(b), slope), ym, i);
            }
            for (; i < to; i++) {
                put(y, i, LeakyRelu.activated(((get(x, i) - hi) - lo) * a + b, slope));
            }
            return 0;
        }
        IntVector largest = IntVector.zero(INTS);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector v = load(xm, i);
            largest = largest.max(magnitudeBits(v));
            store(activated(v.sub(hi).sub(lo).mul(a).add(b), slope), ym, i);
        }
        double result = largestOf(largest);
        for (; i < to; i++) {
            final float v = get(x, i);
            result = Math.max(result, Math.abs(v));
            put(y, i, LeakyRelu.activated(((v - hi) - lo) * a + b, slope));
        }
        return result;
    }

    @Override
    public double normalizeActivatedTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo,
                                         float[] a, float[] b, float slope, boolean measure) {
        final var xm = vectorMemory(x);
        final var ym = vectorMemory(y);
        final int bound = FLOATS.loopBound(n);
        IntVector largest = IntVector.zero(INTS);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = load(xm, base + j);
            largest = largest.max(magnitudeBits(v));
            FloatVector xc = v.sub(FloatVector.fromArray(FLOATS, hi, j)).sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector normalized = xc.mul(FloatVector.fromArray(FLOATS, a, j))
                    .add(FloatVector.fromArray(FLOATS, b, j));
            store(activated(normalized, slope), ym, base + j);
        }
        double result = largestOf(largest);
        for (; j < n; j++) {
            final float v = get(x, base + j);
            result = Math.max(result, Math.abs(v));
            put(y, base + j, LeakyRelu.activated(((v - hi[j]) - lo[j]) * a[j] + b[j], slope));
        }
        return measure ? result : 0;
    }

    @Override
    public void gatedGradSums(float[] x, float[] dy, int from, int to, double mean, float s, float t, float slope,
                              double[] sums) {
        if (to - from < MIN_VECTOR_VALUES) {
            final int o = stagedOffset(from);
            SCALAR.gatedGradSums(staged(x, from, to, 0), staged(dy, from, to, 1), o, o + (to - from), mean, s, t,
                    slope, sums);
            return;
        }
        final int bound = from + FLOATS.loopBound(to - from);
        if (bound + HALF > Math.min(length(x), length(dy))) {
            PaddedRuns.LOOPS.gatedGradSums(padded(x, from, to, 0), padded(dy, from, to, 1), 0, to - from, mean, s, t,
                    slope, sums);
            return;
        }
        addGatedSums(x, dy, from, bound, to, mean, s, t, slope, sums);
    }

    /**
     * {@link #gatedGradSums} of a run whose vectors all load within the memory, {@code bound} where its vectors end.
     * A method of its own, apart from the checks and copies before it: with them, C2's inlining budget ran out on some
     * compilations and left the sums of the lanes as calls that boxed the vectors.
     */
    private static void addGatedSums(float[] x, float[] dy, int from, int bound, int to, double mean, float s,
                                     float t, float slope, double[] sums) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        final FloatVector vs = FloatVector.broadcast(FLOATS, s), vt = FloatVector.broadcast(FLOATS, t);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = from;
        for (; j < bound; j += FLOATS.length()) {
            final FloatVector gv = gated(load(xm, j), load(gm, j), vs, vt, slope);
            final DoubleVector ga = firstHalf(gv), gb = secondHalf(gv);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(xm, j).sub(m), p0);
            p1 = gb.fma(widened(xm, j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = sumOfLanes(g0.add(g1));
        double p = sumOfLanes(p0.add(p1));
        double q = sumOfLanes(s0.add(s1));
        for (; j < to; j++) {
            final float xv = get(x, j);
            final double d = LeakyRelu.gated(s * xv > t, get(dy, j), slope);
            g += d;
            p += d * (xv - mean);
            q += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += q;
    }

    @Override
    public void addRowGatedGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, float[] s,
                                    float[] t, float slope, double[] sumDy, double[] sumDyXc, double[] sumDySq) {
        if (rowsOverrun(base, rows, c, Math.min(length(x), length(dy)))) {
            final int end = base + rows * c;
            PaddedRuns.LOOPS.addRowGatedGradSums(padded(x, base, end, 0), padded(dy, base, end, 1), 0, rows, c, mean,
                    s, t, slope, sumDy, sumDyXc, sumDySq);
            return;
        }
        final int vectorChannels = c - c % FLOATS.length();
        final double[] lanes = LANES.get(0, 6 * HALF);
        for (int ch = 0; ch < vectorChannels; ch += FLOATS.length()) {
            addRowGatedLanes(x, dy, base, rows, c, ch, mean, s, t, slope, lanes);
            for (int k = 0; k < 2 * HALF; k++) {
                sumDy[ch + k] += lanes[k];
                sumDyXc[ch + k] += lanes[2 * HALF + k];
                sumDySq[ch + k] += lanes[4 * HALF + k];
            }
        }
        for (int ch = vectorChannels; ch < c; ch++) {
            double g = 0, p = 0, q = 0;
            for (int r = 0, i = base + ch; r < rows; r++, i += c) {
                final float xv = get(x, i);
                final double d = LeakyRelu.gated(s[ch] * xv > t[ch], get(dy, i), slope);
                g += d;
                p += d * (xv - mean[ch]);
                q += d * d;
            }
            sumDy[ch] += g;
            sumDyXc[ch] += p;
            sumDySq[ch] += q;
        }
    }

    /**
     * Writes the lanes of {@link #addRowGatedGradSums}' sums for the float vector of channels from {@code ch}, each
     * summed down the rows in order, to {@code lanes}: g, then p, then s, a float vector's lanes each. The loop in a
     * method of its own, with no additions into the channel sums after it: in one with them, C2's inlining budget ran
     * out and left vector helpers as calls that boxed the sums.
     */
    private static void addRowGatedLanes(float[] x, float[] dy, int base, int rows, int c, int ch, double[] mean,
                                         float[] s, float[] t, float slope, double[] lanes) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final DoubleVector m0 = DoubleVector.fromArray(DOUBLES, mean, ch);
        final DoubleVector m1 = DoubleVector.fromArray(DOUBLES, mean, ch + HALF);
        final FloatVector vs = FloatVector.fromArray(FLOATS, s, ch), vt = FloatVector.fromArray(FLOATS, t, ch);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, q0 = g0, q1 = g0;
        for (int r = 0, i = base + ch; r < rows; r++, i += c) {
            final FloatVector gv = gated(load(xm, i), load(gm, i), vs, vt, slope);
            final DoubleVector ga = firstHalf(gv), gb = secondHalf(gv);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(xm, i).sub(m0), p0);
            p1 = gb.fma(widened(xm, i + HALF).sub(m1), p1);
            q0 = ga.fma(ga, q0);
            q1 = gb.fma(gb, q1);
        }
        g0.intoArray(lanes, 0);
        g1.intoArray(lanes, HALF);
        p0.intoArray(lanes, 2 * HALF);
        p1.intoArray(lanes, 3 * HALF);
        q0.intoArray(lanes, 4 * HALF);
        q1.intoArray(lanes, 5 * HALF);
    }

    @Override
    public void gatedGradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo,
                               float k, float q, float r, float s, float t, float slope) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final var dm = vectorMemory(dx);
        final int bound = from + FLOATS.loopBound(to - from);
        final FloatVector vs = FloatVector.broadcast(FLOATS, s), vt = FloatVector.broadcast(FLOATS, t);
        int i = from;
        for (; i < bound; i += FLOATS.length()) {
            final FloatVector xv = load(xm, i);
            final FloatVector g = gated(xv, load(gm, i), vs, vt, slope);
            store(g.mul(k).add(xv.sub(hi).sub(lo).mul(q)).add(r), dm, i);
        }
        for (; i < to; i++) {
            final float xv = get(x, i);
            put(dx, i, k * LeakyRelu.gated(s * xv > t, get(dy, i), slope) + q * ((xv - hi) - lo) + r);
        }
    }

    @Override
    public void gatedGradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo,
                                   float[] k, float[] q, float[] r, float[] s, float[] t, float slope) {
        final var xm = vectorMemory(x);
        final var gm = vectorMemory(dy);
        final var dm = vectorMemory(dx);
        final int bound = FLOATS.loopBound(n);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            final FloatVector xv = load(xm, base + j);
            final FloatVector g = gated(xv, load(gm, base + j), FloatVector.fromArray(FLOATS, s, j),
                    FloatVector.fromArray(FLOATS, t, j), slope);
            final FloatVector xc = xv.sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            store(FloatVector.fromArray(FLOATS, k, j).mul(g).add(FloatVector.fromArray(FLOATS, q, j).mul(xc))
                    .add(FloatVector.fromArray(FLOATS, r, j)), dm, base + j);
        }
        for (; j < n; j++) {
            final float xv = get(x, base + j);
            final float g = LeakyRelu.gated(s[j] * xv > t[j], get(dy, base + j), slope);
            put(dx, base + j, k[j] * g + q[j] * ((xv - hi[j]) - lo[j]) + r[j]);
        }
    }
}
