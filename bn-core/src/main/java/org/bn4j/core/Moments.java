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
        // Four independent accumulators: one double add chain is latency-bound. Combined in a fixed order.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        double n = to - from;
        double m = ((s0 + s1) + (s2 + s3)) / n;
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        i = from;
        for (; i + 3 < to; i += 4) {
            double e0 = a[i] - m, e1 = a[i + 1] - m, e2 = a[i + 2] - m, e3 = a[i + 3] - m;
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
            double e = a[i] - m;
            d0 += e;
            q0 += e * e;
        }
        double sumD = (d0 + d1) + (d2 + d3);
        double sumD2 = (q0 + q1) + (q2 + q3);
        merge(n, m + sumD / n, Math.max(0, sumD2 - sumD * sumD / n));
    }

    /** As {@link #mergeSegment(float[], int, int)}, for double values. */
    void mergeSegment(double[] a, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += a[i];
            s1 += a[i + 1];
            s2 += a[i + 2];
            s3 += a[i + 3];
        }
        for (; i < to; i++) {
            s0 += a[i];
        }
        double n = to - from;
        double m = ((s0 + s1) + (s2 + s3)) / n;
        double d0 = 0, d1 = 0, d2 = 0, d3 = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
        i = from;
        for (; i + 3 < to; i += 4) {
            double e0 = a[i] - m, e1 = a[i + 1] - m, e2 = a[i + 2] - m, e3 = a[i + 3] - m;
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
            double e = a[i] - m;
            d0 += e;
            q0 += e * e;
        }
        double sumD = (d0 + d1) + (d2 + d3);
        double sumD2 = (q0 + q1) + (q2 + q3);
        merge(n, m + sumD / n, Math.max(0, sumD2 - sumD * sumD / n));
    }
}
