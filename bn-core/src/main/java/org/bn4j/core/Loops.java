package org.bn4j.core;

/**
 * The inner loops that JDK 17's JIT does not vectorize by itself, and that bound BN's speed when it does not:
 * <ul>
 *   <li>reductions along one contiguous segment: the statistics' moments and the backward pass's gradient sums (Java
 *       keeps floating-point sums in order), and the largest magnitude, which checks input under
 *       {@link NonFinitePolicy#REJECT};</li>
 *   <li>the loops of channels-last rows ({@link RowKernel}), over a tile of whole rows: data at {@code base + j},
 *       per-channel values repeated per row at {@code j}. The JIT does not vectorize loops whose arrays are indexed
 *       from different offsets.</li>
 * </ul>
 * They read float or double values; sums accumulate in double. {@link VectorLoops} runs them with the incubating
 * Vector API when the JVM was started with {@code --add-modules jdk.incubator.vector}; otherwise {@link ScalarLoops}
 * does. Either gives the same result at any thread count; the two differ from each other in the last bits only.
 */
interface Loops {
    /** The implementation the kernels use, chosen once per JVM (see {@link BatchNorm#usesVectorApi()}). */
    Loops CHOSEN = choose();

    /** Merges the count, mean and {@code M2} of {@code a[from, to)} into {@code into}. */
    void moments(float[] a, int from, int to, Moments into);

    /** As {@link #moments(float[], int, int, Moments)}, for double values. */
    void moments(double[] a, int from, int to, Moments into);

    /**
     * Adds {@code sum(dy)}, {@code sum(dy * (x - mean))} and {@code sum(dy^2)} over {@code [from, to)} to
     * {@code sums[0..2]}.
     */
    void gradSums(float[] x, float[] dy, int from, int to, double mean, double[] sums);

    /** As {@link #gradSums(float[], float[], int, int, double, double[])}, for double values. */
    void gradSums(double[] x, double[] dy, int from, int to, double mean, double[] sums);

    /** Row tiles: {@code acc[j] += a[base + j]} for {@code j < n}. */
    void addTile(float[] a, int base, int n, double[] acc);

    /** As {@link #addTile(float[], int, int, double[])}, for double values. */
    void addTile(double[] a, int base, int n, double[] acc);

    /** Row tiles: with {@code d = a[base + j] - mean[j]}, {@code sumD[j] += d} and {@code sumD2[j] += d * d}. */
    void addDeviationsTile(float[] a, int base, int n, double[] mean, double[] sumD, double[] sumD2);

    /** As {@link #addDeviationsTile(float[], int, int, double[], double[], double[])}, for double values. */
    void addDeviationsTile(double[] a, int base, int n, double[] mean, double[] sumD, double[] sumD2);

    /**
     * Row tiles: with {@code g = dy[base + j]}, {@code sumDy[j] += g}, {@code sumDyXc[j] += g * (x[base + j] - mean[j])}
     * and {@code sumDySq[j] += g * g}.
     */
    void gradSumsTile(float[] x, float[] dy, int base, int n, double[] mean, double[] sumDy, double[] sumDyXc,
                      double[] sumDySq);

    /** As {@link #gradSumsTile(float[], float[], int, int, double[], double[], double[], double[])}, for double values. */
    void gradSumsTile(double[] x, double[] dy, int base, int n, double[] mean, double[] sumDy, double[] sumDyXc,
                      double[] sumDySq);

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

    /** @return the largest {@code |a[i]|} over {@code [from, to)}, 0 for none: infinite when one is, NaN when one is */
    double largestMagnitude(float[] a, int from, int to);

    /** As {@link #largestMagnitude(float[], int, int)}, for double values. */
    double largestMagnitude(double[] a, int from, int to);

    /**
     * The Vector API only where the JVM resolved its module (it is not by default) and the system property
     * {@code bn4j.vectorApi} is not {@code false}. The class is loaded by name so that a JVM without the module never
     * links it.
     */
    private static Loops choose() {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty("bn4j.vectorApi"));
        if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (Loops) Class.forName("org.bn4j.core.VectorLoops")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarLoops();
            }
        }
        return new ScalarLoops();
    }
}
