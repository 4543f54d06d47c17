package org.bn4j.core.loops;

/**
 * The inner loops that JDK 17's JIT does not vectorize by itself, and that bound BN's speed when it does not:
 * <ul>
 *   <li>reductions along one contiguous segment: the statistics' moments and the backward pass's gradient sums (Java
 *       keeps floating-point sums in order), and the largest magnitude, which checks input under
 *       {@code NonFinitePolicy.REJECT};</li>
 *   <li>the loops of channels-last rows ({@code RowKernel}): per-channel sums down the rows, and elementwise loops
 *       over a tile of whole rows with data at {@code base + j} and per-channel values repeated per row at {@code j}.
 *       The JIT does not vectorize loops whose arrays are indexed from different offsets.</li>
 * </ul>
 * They read float or double values; sums accumulate in double. {@link VectorLoops} runs them with the incubating
 * Vector API when the JVM was started with {@code --add-modules jdk.incubator.vector}; otherwise {@link ScalarLoops}
 * does. Either gives the same result at any thread count; the two differ from each other in the last bits only.
 */
public interface Loops {
    /** The implementation the kernels use, chosen once per JVM (see {@code BatchNormalizer.usesVectorApi()}). */
    Loops CHOSEN = choose();

    /** @return whether {@link #CHOSEN} runs on the Vector API */
    static boolean usesVectorApi() {
        return !(CHOSEN instanceof ScalarLoops);
    }

    /**
     * Adds {@code sum(a - m)} and {@code sum((a - m)^2)} over {@code [from, to)} to {@code deviations[0..1]}: the
     * statistics' one pass, {@code m} a shift (see the kernel layer's {@code Moments.ofDeviations}).
     */
    void addDeviations(float[] a, int from, int to, double m, double[] deviations);

    /** As {@link #addDeviations(float[], int, int, double, double[])}, for double values. */
    void addDeviations(double[] a, int from, int to, double m, double[] deviations);

    /**
     * Adds {@code sum(dy)}, {@code sum(dy * (x - mean))} and {@code sum(dy^2)} over {@code [from, to)} to
     * {@code sums[0..2]}.
     */
    void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums);

    /** As {@link #gradSums(float[], float[], int, int, double, double[])}, for double values. */
    void gradSums(double[] x, double[] dy, int from, int to, double mean, double[] sums);

    /**
     * Rows of {@code c} channels: with {@code d = a[base + r * c + ch] - mean[ch]}, {@code sumD[ch] += d} and
     * {@code sumD2[ch] += d * d}.
     */
    void addRowDeviations(float[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2);

    /** As {@link #addRowDeviations(float[], int, int, int, double[], double[], double[])}, for double values. */
    void addRowDeviations(double[] a, int base, int rows, int c, double[] mean, double[] sumD, double[] sumD2);

    /**
     * Rows of {@code c} channels: with {@code g = dy[i]} and {@code i = base + r * c + ch}, {@code sumDy[ch] += g},
     * {@code sumDyXc[ch] += g * (x[i] - mean[ch])} and {@code sumDySq[ch] += g * g}.
     */
    void addRowGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                        double[] sumDyXc, double[] sumDySq);

    /** As {@link #addRowGradSums(float[], float[], int, int, int, double[], double[], double[], double[])}, for double values. */
    void addRowGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] sumDy,
                        double[] sumDyXc, double[] sumDySq);

    /** Row tiles: {@code y[base + j] = ((x[base + j] - hi[j]) - lo[j]) * scale[j] + shift[j]}; y may be x. */
    void normalizeTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] scale, float[] shift);

    /** As {@link #normalizeTile(float[], float[], int, int, float[], float[], float[], float[])}, for double values. */
    void normalizeTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] scale, double[] shift);

    /**
     * Row tiles: {@code dx[base + j] = k[j] * dy[base + j] + q[j] * ((x[base + j] - hi[j]) - lo[j]) + r[j]}; dx may be
     * dy.
     */
    void gradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k, float[] q,
                       float[] r);

    /** As {@link #gradApplyTile(float[], float[], float[], int, int, float[], float[], float[], float[], float[])}, for double values. */
    void gradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo, double[] k,
                       double[] q, double[] r);

    // --- with an activation (see LeakyRelu): v = ((x - hi) - lo) * a + b is the normalized value, rounded as the
    // forward pass rounds it, act(v) = LeakyRelu.activated(v, slope) and gated(v, dy) = LeakyRelu.gated(v, dy, slope)

    /** Runs of one channel: {@code y[i] = act(((x[i] - hi) - lo) * a + b)} over {@code [from, to)}; y may be x. */
    void normalizeActivated(float[] x, float[] y, int from, int to, float hi, float lo, float a, float b, float slope);

    /** As {@link #normalizeActivated(float[], float[], int, int, float, float, float, float, float)}, for double values. */
    void normalizeActivated(double[] x, double[] y, int from, int to, double hi, double lo, double a, double b,
                            double slope);

    /** Row tiles: {@code y[base + j] = act(((x[base + j] - hi[j]) - lo[j]) * a[j] + b[j])}; y may be x. */
    void normalizeActivatedTile(float[] x, float[] y, int base, int n, float[] hi, float[] lo, float[] a, float[] b,
                                float slope);

    /** As {@link #normalizeActivatedTile(float[], float[], int, int, float[], float[], float[], float[], float)}, for double values. */
    void normalizeActivatedTile(double[] x, double[] y, int base, int n, double[] hi, double[] lo, double[] a,
                                double[] b, double slope);

    /**
     * As {@link #gradSums(float[], float[], int, int, double, double[])} with {@code g = gated(v, dy)} in place of dy,
     * {@code v = ((x - hi) - lo) * a + b}.
     */
    void gatedGradSums(float[] x, float[] dy, int from, int to, double mean, float hi, float lo, float a, float b,
                       float slope, double[] sums);

    /** As {@link #gatedGradSums(float[], float[], int, int, double, float, float, float, float, float, double[])}, for double values. */
    void gatedGradSums(double[] x, double[] dy, int from, int to, double mean, double hi, double lo, double a,
                       double b, double slope, double[] sums);

    /**
     * As {@link #addRowGradSums(float[], float[], int, int, int, double[], double[], double[], double[])} with
     * {@code g = gated(v, dy[i])} in place of {@code dy[i]}, {@code v = ((x[i] - hi[ch]) - lo[ch]) * a[ch] + b[ch]}.
     */
    void addRowGatedGradSums(float[] x, float[] dy, int base, int rows, int c, double[] mean, float[] hi, float[] lo,
                             float[] a, float[] b, float slope, double[] sumDy, double[] sumDyXc, double[] sumDySq);

    /** As {@link #addRowGatedGradSums(float[], float[], int, int, int, double[], float[], float[], float[], float[], float, double[], double[], double[])}, for double values. */
    void addRowGatedGradSums(double[] x, double[] dy, int base, int rows, int c, double[] mean, double[] hi,
                             double[] lo, double[] a, double[] b, double slope, double[] sumDy, double[] sumDyXc,
                             double[] sumDySq);

    /**
     * Runs of one channel: with {@code xc = (x[i] - hi) - lo},
     * {@code dx[i] = k * gated(xc * a + b, dy[i]) + q * xc + r} over {@code [from, to)}; dx may be dy.
     */
    void gatedGradApply(float[] x, float[] dy, float[] dx, int from, int to, float hi, float lo, float k, float q,
                        float r, float a, float b, float slope);

    /** As {@link #gatedGradApply(float[], float[], float[], int, int, float, float, float, float, float, float, float, float)}, for double values. */
    void gatedGradApply(double[] x, double[] dy, double[] dx, int from, int to, double hi, double lo, double k,
                        double q, double r, double a, double b, double slope);

    /**
     * Row tiles: with {@code xc = (x[base + j] - hi[j]) - lo[j]},
     * {@code dx[base + j] = k[j] * gated(xc * a[j] + b[j], dy[base + j]) + q[j] * xc + r[j]}; dx may be dy.
     */
    void gatedGradApplyTile(float[] x, float[] dy, float[] dx, int base, int n, float[] hi, float[] lo, float[] k,
                            float[] q, float[] r, float[] a, float[] b, float slope);

    /** As {@link #gatedGradApplyTile(float[], float[], float[], int, int, float[], float[], float[], float[], float[], float[], float[], float)}, for double values. */
    void gatedGradApplyTile(double[] x, double[] dy, double[] dx, int base, int n, double[] hi, double[] lo,
                            double[] k, double[] q, double[] r, double[] a, double[] b, double slope);

    /**
     * @return what runs the loops, {@code scalar} or {@code vector-<bits>}: results are reproducible bit for bit
     * between JVMs with the same description
     */
    String description();

    /** @return the largest {@code |a[i]|} over {@code [from, to)}, 0 for none: infinite when one is, NaN when one is */
    double largestMagnitude(float[] a, int from, int to);

    /** As {@link #largestMagnitude(float[], int, int)}, for double values. */
    double largestMagnitude(double[] a, int from, int to);

    /**
     * The Vector API only where the JVM resolved its module (it is not by default) and the system property
     * {@code bn4j.vectorApi} is not {@code false}. The class is loaded by name so that a JVM without the module never
     * links it. Plain Java that nobody asked for logs a {@link VectorApiNotice}.
     */
    private static Loops choose() {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty("bn4j.vectorApi"));
        if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Loops) Class.forName("org.bn4j.core.loops.VectorLoops")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                VectorApiNotice.loopsUnavailable(e);
                return new ScalarLoops();
            }
        }
        if (wanted) {
            VectorApiNotice.moduleMissing();
        }
        return new ScalarLoops();
    }
}
