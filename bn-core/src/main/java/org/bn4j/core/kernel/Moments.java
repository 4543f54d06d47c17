package org.bn4j.core.kernel;

/**
 * Count, mean and {@code M2 = sum((x - mean)^2)} of a set of values, merged part by part with the pairwise
 * update of Chan, Golub and LeVeque (1979). Merging in a fixed order gives bitwise reproducible results.
 * Mutable, not thread-safe: one per reduction at a time.
 */
public final class Moments {
    public double count;
    public double mean;
    public double m2;

    /** Empties it for the next reduction. */
    public void clear() {
        count = 0;
        mean = 0;
        m2 = 0;
    }

    /** Adds a part with its own count, mean and M2. */
    public void merge(double partCount, double partMean, double partM2) {
        if (partCount == 0) {
            return;
        }
        if (count == 0) {
            count = partCount;
            mean = partMean;
            m2 = partM2;
            return;
        }
        double delta = partMean - mean;
        double merged = count + partCount;
        mean += delta * partCount / merged;
        m2 += partM2 + delta * delta * count * partCount / merged;
        count = merged;
    }

    /**
     * Adds a part of {@code n} values measured from a shift {@code m}: {@code sumD} is {@code sum(x - m)} and
     * {@code sumD2} is {@code sum((x - m)^2)}. With {@code m} the part's mean from a first pass, this is the corrected
     * two-pass algorithm ({@code sumD} absorbs the rounding of {@code m}). With {@code m} one of the values, it is the
     * one-pass shifted algorithm: then {@code (m - mean)^2 <= M2}, so {@code sumD2 <= (n + 1) M2} and the subtraction
     * loses at most a factor {@code n + 1} of double precision, far below float's; for values within a few standard
     * deviations of their mean, a small factor.
     */
    public void mergeDeviations(double n, double m, double sumD, double sumD2) {
        merge(n, meanOfDeviations(n, m, sumD), m2OfDeviations(n, sumD, sumD2));
    }

    /** @return the moments of a part measured as {@link #mergeDeviations} takes it */
    public static Moments ofDeviations(double n, double m, double sumD, double sumD2) {
        Moments moments = new Moments();
        moments.mergeDeviations(n, m, sumD, sumD2);
        return moments;
    }

    /**
     * Writes the moments of a part measured as {@link #mergeDeviations} takes it into element {@code i} of the three
     * arrays (a kernel's partial slots): the values of {@link #ofDeviations}, with no object per channel, which C2
     * does not always scalar-replace.
     */
    public static void writeDeviations(int i, double n, double m, double sumD, double sumD2, double[] count,
                                       double[] mean, double[] m2) {
        final boolean empty = n == 0;
        count[i] = n;
        mean[i] = empty ? 0 : meanOfDeviations(n, m, sumD);
        m2[i] = empty ? 0 : m2OfDeviations(n, sumD, sumD2);
    }

    private static double meanOfDeviations(double n, double m, double sumD) {
        return m + sumD / n;
    }

    private static double m2OfDeviations(double n, double sumD, double sumD2) {
        return Math.max(0, sumD2 - sumD * sumD / n);
    }
}
