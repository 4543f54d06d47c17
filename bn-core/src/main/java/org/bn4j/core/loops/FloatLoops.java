package org.bn4j.core.loops;

/**
 * The inner loops of batch normalization over float values in memory {@code M} ({@code float[]}, or off-heap
 * {@code DirectFloats}), indexed by value; sums accumulate in double. Also the template of the twin for double
 * values, generated at build time (see bn-core's pom). Implementations: {@link FloatScalarLoops} in plain Java,
 * {@code FloatVectorLoops} with the Vector API (and its off-heap form); {@link Loops} picks one per JVM.
 *
 * <p>Runs are {@code [from, to)} of one channel, with that channel's coefficients. Rows are {@code rows} rows of
 * {@code c} channels from {@code base}: sums run down the rows per channel; tiles hold {@code n} values of whole rows
 * from {@code base}, with per-channel coefficients repeated once per row at {@code [j]} for value {@code base + j}.
 * Elementwise loops may write in place (y may be x, dx may be dy; dx is never x). With an activation (see
 * {@link LeakyRelu}), {@code v = ((x - hi) - lo) * a + b} is the normalized value,
 * {@code act(v) = LeakyRelu.activated(v, slope)}, and
 * {@code gated(x, dy) = LeakyRelu.gated(s * x > t, dy, slope)} its gradient, with a channel's sign s and threshold t
 * from {@link GateThreshold}: dy where v was above zero (a loop may compute it as
 * {@code dy * LeakyRelu.gateFactor(s * x - t, slope)}, or from the sign bit of {@code t - s * x}, the same bits for
 * every x but a non-finite one).
 * Loops that measure return the largest {@code |x|} they read: infinite when one is, NaN when one is; those with a
 * {@code measure} parameter measure only when it is true, and return 0 when it is false.
 *
 * <p>Every implementation gives the same result at any thread count; elementwise results are the same bits in all of
 * them, sums differ between plain Java and vectors in the last bits only.
 */
public interface FloatLoops<M> {
    /**
     * @return what runs the loops, {@code scalar} or {@code vector-<bits>}: results are reproducible bit for bit
     * between JVMs with the same description
     */
    String description();

    /** Runs: adds {@code sum(x - m)} and {@code sum((x - m)^2)} to {@code deviations[0..1]}, m a shift. */
    void addDeviations(M x, int from, int to, double m, double[] deviations);

    /** Runs: adds {@code sum(dy)}, {@code sum(dy * (x - mean))} and {@code sum(dy^2)} to {@code sums[0..2]}. */
    void gradSums(M x, M dy, int from, int to, double mean, double[] sums);

    /** Runs: {@link #gradSums} with {@code gated(x, dy)} in place of dy. */
    void gatedGradSums(M x, M dy, int from, int to, double mean, float s, float t, float slope, double[] sums);

    /** @return the largest {@code |x|} over {@code [from, to)}, 0 for none */
    double largestMagnitude(M x, int from, int to);

    /** Runs: {@code y = ((x - hi) - lo) * a + b}. */
    void normalize(M x, M y, int from, int to, float hi, float lo, float a, float b);

    /** Runs: {@link #normalize}, measuring x. */
    double normalizeMeasuring(M x, M y, int from, int to, float hi, float lo, float a, float b);

    /** Runs: {@code y = act(v)}. */
    double normalizeActivated(M x, M y, int from, int to, float hi, float lo, float a, float b, float slope,
                              boolean measure);

    /** Runs: {@code dx = k * dy + q * ((x - hi) - lo) + r}. */
    void gradApply(M x, M dy, M dx, int from, int to, float hi, float lo, float k, float q, float r);

    /** Runs: {@code dx = k * gated(x, dy) + q * ((x - hi) - lo) + r}. */
    void gatedGradApply(M x, M dy, M dx, int from, int to, float hi, float lo, float k, float q, float r, float s,
                        float t, float slope);

    /** Rows: with {@code d = x[i] - mean[ch]}, {@code sumD[ch] += d} and {@code sumD2[ch] += d * d}. */
    void addRowDeviations(M x, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2);

    /**
     * Rows: with {@code g = dy[i]}, {@code sumDy[ch] += g}, {@code sumDyXc[ch] += g * (x[i] - mean[ch])} and
     * {@code sumDySq[ch] += g * g}.
     */
    void addRowGradSums(M x, M dy, int base, int rows, int c, double[] mean, double[] sumDy, double[] sumDyXc,
                        double[] sumDySq);

    /** Rows: {@link #addRowGradSums} with {@code gated(x[i], dy[i])} in place of {@code dy[i]}. */
    void addRowGatedGradSums(M x, M dy, int base, int rows, int c, double[] mean, float[] s, float[] t, float slope,
                             double[] sumDy, double[] sumDyXc, double[] sumDySq);

    /** Tiles: {@code y[base + j] = ((x[base + j] - hi[j]) - lo[j]) * a[j] + b[j]}. */
    double normalizeTile(M x, M y, int base, int n, float[] hi, float[] lo, float[] a, float[] b, boolean measure);

    /** Tiles: {@code y[base + j] = act(v)}. */
    double normalizeActivatedTile(M x, M y, int base, int n, float[] hi, float[] lo, float[] a, float[] b,
                                  float slope, boolean measure);

    /** Tiles: {@code dx[base + j] = k[j] * dy[base + j] + q[j] * ((x[base + j] - hi[j]) - lo[j]) + r[j]}. */
    void gradApplyTile(M x, M dy, M dx, int base, int n, float[] hi, float[] lo, float[] k, float[] q, float[] r);

    /** Tiles: {@link #gradApplyTile} with {@code gated(x[base + j], dy[base + j])} in place of {@code dy[base + j]}. */
    void gatedGradApplyTile(M x, M dy, M dx, int base, int n, float[] hi, float[] lo, float[] k, float[] q, float[] r,
                            float[] s, float[] t, float slope);
}
