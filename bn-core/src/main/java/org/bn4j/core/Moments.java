package org.bn4j.core;

/**
 * Count, mean and {@code M2 = sum((x - mean)^2)} of a set of values, merged part by part with the pairwise
 * update of Chan, Golub and LeVeque (1979). Merging in a fixed order gives bitwise reproducible results.
 * Mutable, not thread-safe: one per reduction.
 */
final class Moments {
    double count;
    double mean;
    double m2;

    /** Adds a part with its own count, mean and M2. */
    void merge(double partCount, double partMean, double partM2) {
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
     * Merges the values {@code a[from, to)} using a corrected two-pass computation over them: the second pass's
     * {@code sum(x - m)} absorbs the rounding error of the first pass's mean {@code m}.
     */
    void mergeSegment(float[] a, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += a[i];
        }
        double n = to - from;
        double m = sum / n;
        double sumD = 0;
        double sumD2 = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - m;
            sumD += d;
            sumD2 += d * d;
        }
        merge(n, m + sumD / n, Math.max(0, sumD2 - sumD * sumD / n));
    }

    /** As {@link #mergeSegment(float[], int, int)}, for double values. */
    void mergeSegment(double[] a, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += a[i];
        }
        double n = to - from;
        double m = sum / n;
        double sumD = 0;
        double sumD2 = 0;
        for (int i = from; i < to; i++) {
            double d = a[i] - m;
            sumD += d;
            sumD2 += d * d;
        }
        merge(n, m + sumD / n, Math.max(0, sumD2 - sumD * sumD / n));
    }
}
