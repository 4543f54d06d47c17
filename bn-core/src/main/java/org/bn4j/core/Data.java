package org.bn4j.core;

/**
 * A tensor's values, reached one contiguous segment at a time so that kernels always loop over plain arrays.
 * Array-backed data is used in place; buffer-backed data (for example ND4J's off-heap memory) is staged through
 * a per-thread scratch array of one segment, never copied whole.
 *
 * <p>Reading: {@code A a = read(start, len, slot)}, then values {@code [start, start + len)} sit at
 * {@code a[offset(start) ..]}. Writing: {@code A a = writable(start, len, slot)}, fill {@code a[offset(start) ..]},
 * then {@code written(start, len, a)}. Slots keep up to three staged segments of one thread apart (x, dy, out).
 */
abstract class Data<A> {
    static final int SLOTS = 3;

    /** @return the number of values */
    abstract int length();

    /** @return values {@code [start, start + len)} as data of their own, sharing this data's memory */
    abstract Data<A> slice(int start, int len);

    /** @return the kernel for this element type and the given shape */
    abstract Kernel<A> kernel(Shape shape);

    abstract A read(int start, int len, int slot);

    abstract A writable(int start, int len, int slot);

    abstract void written(int start, int len, A array);

    /** @return where value {@code start} sits in the array that {@link #read} or {@link #writable} returned */
    abstract int offset(int start);

    /** @return the index of the first NaN or infinite value, or -1; serial, for error messages */
    abstract int firstNonFinite();

    /**
     * @return the largest {@code |value|} of {@code [start, start + len)}: infinite when one is, NaN when one is; may
     * stage them through {@code slot}
     */
    abstract double largestMagnitude(int start, int len, int slot);

    /** @return value {@code i}, widened to double */
    abstract double valueAt(int i);
}
