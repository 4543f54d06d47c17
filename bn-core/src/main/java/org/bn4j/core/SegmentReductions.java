package org.bn4j.core;

/**
 * The reductions along one contiguous segment: the statistics' moments and the backward pass's gradient sums, which
 * dominate BN's cost, and the largest magnitude, which checks input under {@link NonFinitePolicy#REJECT}. They read
 * float or double values; sums accumulate in double.
 *
 * <p>Java keeps floating-point sums in order, so the JIT does not vectorize these loops, and on 2 cores they were
 * bound by arithmetic, not by memory. {@link VectorReductions} does them with the incubating Vector API when the
 * JVM was started with {@code --add-modules jdk.incubator.vector}; otherwise {@link ScalarReductions} does. Either
 * gives the same result at any thread count; the two differ from each other in the last bits only.
 */
interface SegmentReductions {
    /** The implementation the kernels use, chosen once per JVM (see {@link BatchNorm#usesVectorApi()}). */
    SegmentReductions CHOSEN = choose();

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

    /** @return the largest {@code |a[i]|} over {@code [from, to)}, 0 for none: infinite when one is, NaN when one is */
    double largestMagnitude(float[] a, int from, int to);

    /** As {@link #largestMagnitude(float[], int, int)}, for double values. */
    double largestMagnitude(double[] a, int from, int to);

    /**
     * The Vector API only where the JVM resolved its module (it is not by default) and the system property
     * {@code bn4j.vectorApi} is not {@code false}. The class is loaded by name so that a JVM without the module never
     * links it.
     */
    private static SegmentReductions choose() {
        boolean wanted = !"false".equalsIgnoreCase(System.getProperty("bn4j.vectorApi"));
        if (wanted && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            try {
                return (SegmentReductions) Class.forName("org.bn4j.core.VectorReductions")
                        .getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                return new ScalarReductions();
            }
        }
        return new ScalarReductions();
    }
}
