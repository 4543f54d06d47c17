package org.bn4j.core.loops;

import org.bn4j.core.storage.PerThreadFloats;

/**
 * {@link FloatLoops} in plain Java. A single double add chain is bound by its latency, so each sum runs on
 * independent accumulators, combined in a fixed order. Also the template of the twin for double values, generated at
 * build time (see bn-core's pom).
 */
class FloatScalarLoops implements FloatLoops<float[]> {
    /**
     * A tile's x, dy and output at index 0, where the tile loops run when the tile is elsewhere: C2 vectorizes a loop
     * over several float arrays only when it indexes them all alike (here: as the tiled coefficients), since an array
     * indexed at another offset might be the same array (docs/performance.md, design decisions).
     */
    private static final PerThreadFloats TILES = new PerThreadFloats(3);

    @Override
    public String description() {
        return "scalar";
    }

    @Override
    public void addDeviations(float[] x, int from, int to, double m, double[] deviations) {
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            double e0 = x[i] - m, e1 = x[i + 1] - m, e2 = x[i + 2] - m, e3 = x[i + 3] - m;
            d0 += e0;
            d1 += e1;
            d2 += e2;
            d3 += e3;
            q0 += e0 * e0;
            q1 += e1 * e1;
            q2 += e2 * e2;
            q3 += e3 * e3;
        }
        for (; i < to; i++) {
            double e = x[i] - m;
            d0 += e;
            q0 += e * e;
        }
        deviations[0] += (d0 + d1) + (d2 + d3);
        deviations[1] += (q0 + q1) + (q2 + q3);
    }

    @Override
    public void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums) {
        double g0 = 0, g1 = 0, p0 = 0, p1 = 0, s0 = 0, s1 = 0;
        int j = from;
        for (; j + 1 < to; j += 2) {
            final double ga0 = dy[j], ga1 = dy[j + 1];
            g0 += ga0;
            g1 += ga1;
            p0 += ga0 * (x[j] - mean);
            p1 += ga1 * (x[j + 1] - mean);
            s0 += ga0 * ga0;
            s1 += ga1 * ga1;
        }
        for (; j < to; j++) {
            final double g = dy[j];
            g0 += g;
            p0 += g * (x[j] - mean);
            s0 += g * g;
        }
        sums[0] += g0 + g1;
        sums[1] += p0 + p1;
        sums[2] += s0 + s1;
    }

    @Override
    public void gatedGradSums(float[] x, float[] dy, int from, int to, double mean, float s, float t, float slope,
                              double[] sums) {
        double g0 = 0, g1 = 0, p0 = 0, p1 = 0, s0 = 0, s1 = 0;
        int j = from;
        for (; j + 1 < to; j += 2) {
            final double ga0 = LeakyRelu.gated(s * x[j] > t, dy[j], slope);
            final double ga1 = LeakyRelu.gated(s * x[j + 1] > t, dy[j + 1], slope);
            g0 += ga0;
            g1 += ga1;
            p0 += ga0 * (x[j] - mean);
            p1 += ga1 * (x[j + 1] - mean);
            s0 += ga0 * ga0;
            s1 += ga1 * ga1;
        }
        for (; j < to; j++) {
            final double g = LeakyRelu.gated(s * x[j] > t, dy[j], slope);
            g0 += g;
            p0 += g * (x[j] - mean);
            s0 += g * g;
        }
        sums[0] += g0 + g1;
        sums[1] += p0 + p1;
        sums[2] += s0 + s1;
    }

    @Override
    public double largestMagnitude(float[] x, int from, int to) {
        float largest = 0;
        for (int i = from; i < to; i++) {
            largest = Math.max(largest, Math.abs(x[i]));   // Math.max carries NaN
        }
        return largest;
    }

    @Override
    public void normalize(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b) {
        for (int i = from; i < to; i++) {
            y[i] = ((x[i] - hi) - lo) * a + b;
        }
    }

    /** Measures first, then normalizes: two loops the JIT vectorizes, where one that does both it does not. */
    @Override
    public double normalizeMeasuring(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b) {
        final double largest = largestMagnitude(x, from, to);
        normalize(x, y, from, to, hi, lo, a, b);
        return largest;
    }

    @Override
    public void gradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo, float k, float q,
                          float r) {
        for (int i = from; i < to; i++) {
            dx[i] = k * dy[i] + q * ((x[i] - hi) - lo) + r;
        }
    }

    @Override
    public double normalizeActivated(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b,
                                     float slope, boolean measure) {
        final double largest = measure ? largestMagnitude(x, from, to) : 0;
        for (int i = from; i < to; i++) {
            y[i] = LeakyRelu.activated(((x[i] - hi) - lo) * a + b, slope);
        }
        return largest;
    }

    @Override
    public void gatedGradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo, float k,
                               float q, float r, float s, float t, float slope) {
        for (int i = from; i < to; i++) {
            dx[i] = k * LeakyRelu.gated(s * x[i] > t, dy[i], slope) + q * ((x[i] - hi) - lo) + r;
        }
    }

    @Override
    public void addRowDeviations(float[] x, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2) {
        for (int r = 0; r < rows; r++) {
            final int row = base + r * c;
            for (int ch = 0; ch < c; ch++) {
                final double d = x[row + ch] - mean[ch];
                sumD[ch] += d;
                sumD2[ch] += d * d;
            }
        }
    }

    @Override
    public void addRowGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                               double[] sumDyXc, double[] sumDySq) {
        for (int r = 0; r < rows; r++) {
            final int row = base + r * c;
            for (int ch = 0; ch < c; ch++) {
                final double g = dy[row + ch];
                sumDy[ch] += g;
                sumDyXc[ch] += g * (x[row + ch] - mean[ch]);
                sumDySq[ch] += g * g;
            }
        }
    }

    @Override
    public void addRowGatedGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, float[] s,
                                    float[] t, float slope, double[] sumDy, double[] sumDyXc, double[] sumDySq) {
        for (int r = 0; r < rows; r++) {
            final int row = base + r * c;
            for (int ch = 0; ch < c; ch++) {
                final double g = LeakyRelu.gated(s[ch] * x[row + ch] > t[ch], dy[row + ch], slope);
                sumDy[ch] += g;
                sumDyXc[ch] += g * (x[row + ch] - mean[ch]);
                sumDySq[ch] += g * g;
            }
        }
    }

    @Override
    public double normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a, float[] b,
                                boolean measure) {
        final double largest = measure ? largestMagnitude(x, base, base + n) : 0;
        final float[] xs = atZero(x, base, n, 0);
        final float[] ys = output(y, base, n);
        for (int j = 0; j < n; j++) {
            ys[j] = ((xs[j] - hi[j]) - lo[j]) * a[j] + b[j];
        }
        written(ys, y, base, n);
        return largest;
    }

    @Override
    public double normalizeActivatedTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a,
                                         float[] b, float slope, boolean measure) {
        final double largest = measure ? largestMagnitude(x, base, base + n) : 0;
        final float[] xs = atZero(x, base, n, 0);
        final float[] ys = output(y, base, n);
        for (int j = 0; j < n; j++) {
            ys[j] = LeakyRelu.activated(((xs[j] - hi[j]) - lo[j]) * a[j] + b[j], slope);
        }
        written(ys, y, base, n);
        return largest;
    }

    @Override
    public void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k,
                              float[] q, float[] r) {
        final float[] xs = atZero(x, base, n, 0);
        final float[] dys = atZero(dy, base, n, 1);
        final float[] dxs = output(dx, base, n);
        for (int j = 0; j < n; j++) {
            dxs[j] = k[j] * dys[j] + q[j] * ((xs[j] - hi[j]) - lo[j]) + r[j];
        }
        written(dxs, dx, base, n);
    }

    @Override
    public void gatedGradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo,
                                   float[] k, float[] q, float[] r, float[] s, float[] t, float slope) {
        final float[] xs = atZero(x, base, n, 0);
        final float[] dys = atZero(dy, base, n, 1);
        final float[] dxs = output(dx, base, n);
        // The gated dy first, in dx's place (dx may be dy, never x), then the plain tile's loop: as one loop it was too
        // large for C2 to unroll, and so to vectorize
        for (int j = 0; j < n; j++) {
            dxs[j] = dys[j] * LeakyRelu.gateFactor(s[j] * xs[j] - t[j], slope);
        }
        for (int j = 0; j < n; j++) {
            dxs[j] = k[j] * dxs[j] + q[j] * ((xs[j] - hi[j]) - lo[j]) + r[j];
        }
        written(dxs, dx, base, n);
    }

    /** @return {@code memory}'s tile {@code [base, base + n)} at index 0: the memory itself, or its copy in a slot */
    private static float[] atZero(float[] memory, int base, int n, int slot) {
        if (base == 0) {
            return memory;
        }
        final float[] tile = TILES.get(slot, n);
        System.arraycopy(memory, base, tile, 0, n);
        return tile;
    }

    /** @return where a tile loop writes the output tile at {@code base}: the output itself at index 0, or a slot */
    private static float[] output(float[] memory, int base, int n) {
        return base == 0 ? memory : TILES.get(2, n);
    }

    /** Copies what a tile loop wrote to {@link #output} into the output memory's tile at {@code base}. */
    private static void written(float[] tile, float[] memory, int base, int n) {
        if (tile != memory) {
            System.arraycopy(tile, 0, memory, base, n);
        }
    }
}
