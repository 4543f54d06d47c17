package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.fail;

/** Tolerances, defined once, and an element-wise comparison that names the first offending index. */
final class Tolerances {
    /** Float data against the double reference: float rounding of inputs, coefficients and outputs. */
    static final double F32 = 2e-5;
    /** Double data against the double reference. */
    static final double F64 = 1e-10;
    /** Analytic against central finite-difference gradients, in double. */
    static final double FINITE_DIFFERENCE = 1e-6;

    private Tolerances() {
    }

    /** Passes when {@code |expected - actual| <= tolerance * max(1, |expected|)} everywhere. */
    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        if (!(tolerance > 0)) {
            fail("tolerance must be positive, was " + tolerance);
        }
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                fail(what + " differs at index " + i + ": expected " + expected[i] + " but was " + actual[i]
                        + " (allowed " + allowed + ")");
            }
        }
    }

    static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        assertClose(expected, TestData.toDouble(actual), tolerance, what);
    }
}
