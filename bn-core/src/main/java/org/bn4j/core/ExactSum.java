package org.bn4j.core;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The exact sum of finite doubles, kept as a short list of non-overlapping doubles (Shewchuk 1997, "Adaptive
 * Precision Floating-Point Arithmetic"; the algorithm of Python's {@code math.fsum}), and {@link #value() rounded}
 * once, to the nearest double. The result does not depend on the order of the terms or on how they were grouped into
 * sums that were then {@link #add(ExactSum) added}: partial sums from several workers, merged in any order, give
 * the same bits as one sum of every term.
 *
 * <p>Each {@link #add(double)} costs a few additions per stored double; terms of similar magnitude keep the list to
 * one or two doubles. Terms and partial sums must stay below {@code Double.MAX_VALUE}. Mutable, not thread-safe.
 */
final class ExactSum implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Non-overlapping, in increasing magnitude; their exact sum is the value. */
    private double[] partials = new double[2];
    private int size;

    /** Adds {@code x} exactly. */
    void add(double x) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            double y = partials[i];
            if (Math.abs(x) < Math.abs(y)) {
                double t = x;
                x = y;
                y = t;
            }
            // Two-sum: hi + lo == x + y exactly
            double hi = x + y;
            double lo = y - (hi - x);
            if (lo != 0) {
                partials[kept++] = lo;
            }
            x = hi;
        }
        if (x != 0) {
            if (kept == partials.length) {
                partials = Arrays.copyOf(partials, 2 * kept);
            }
            partials[kept++] = x;
        }
        size = kept;
    }

    /** Adds the product {@code a * b} exactly. */
    void addProduct(double a, double b) {
        double product = a * b;
        add(product);
        // Two-product: fma gives the rounding error of a * b exactly
        add(Math.fma(a, b, -product));
    }

    /** Adds the exact value of {@code other}. Not modified. */
    void add(ExactSum other) {
        for (int i = 0; i < other.size; i++) {
            add(other.partials[i]);
        }
    }

    /** @return the exact sum rounded to the nearest double, ties to even */
    double value() {
        if (size == 0) {
            return 0;
        }
        int n = size - 1;
        double hi = partials[n];
        double lo = 0;
        while (n > 0) {
            double x = hi;
            double y = partials[--n];
            hi = x + y;
            lo = y - (hi - x);
            if (lo != 0) {
                break;
            }
        }
        // The rest, below lo, decides a tie: if it has lo's sign, round away from the tie.
        if (n > 0 && (lo < 0 && partials[n - 1] < 0 || lo > 0 && partials[n - 1] > 0)) {
            double y = lo * 2;
            double x = hi + y;
            if (y == x - hi) {
                hi = x;
            }
        }
        return hi;
    }
}
