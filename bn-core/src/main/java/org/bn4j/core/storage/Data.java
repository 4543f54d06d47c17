package org.bn4j.core.storage;

/**
 * A tensor's values, reached one contiguous segment at a time so that kernels always loop over plain arrays.
 * Array-backed data is used in place; buffer-backed data (for example ND4J's off-heap memory) is staged through
 * a per-thread scratch array of one segment, never copied whole.
 *
 * <p>Reading: {@code A a = read(start, len, slot)}, then values {@code [start, start + len)} sit at
 * {@code a[offset(start) ..]}. Writing: {@code A a = writable(start, len, slot)}, fill {@code a[offset(start) ..]},
 * then {@code written(start, len, a)}. Slots keep up to three staged segments of one thread apart (x, dy, out).
 */
public abstract class Data<A> {
    public static final int SLOTS = 3;
    /** Smallest scratch array: a kernel's block, so that one thread allocates its scratch once. */
    static final int SCRATCH_VALUES = 16 * 1024;

    private final int length;
    private final boolean holdsDoubles;

    /**
     * @param length       the number of values
     * @param holdsDoubles whether the values are doubles ({@code A} is {@code double[]}), else floats
     */
    protected Data(int length, boolean holdsDoubles) {
        this.length = length;
        this.holdsDoubles = holdsDoubles;
    }

    /** @return the number of values */
    public final int length() {
        return length;
    }

    /** @return values {@code [start, start + len)} as data of their own, sharing this data's memory */
    public abstract Data<A> slice(int start, int len);

    /** @return whether the values are doubles ({@code A} is {@code double[]}), else floats ({@code float[]}) */
    public final boolean holdsDoubles() {
        return holdsDoubles;
    }

    public abstract A read(int start, int len, int slot);

    public abstract A writable(int start, int len, int slot);

    public abstract void written(int start, int len, A array);

    /** @return where value {@code start} sits in the array that {@link #read} or {@link #writable} returned */
    public abstract int offset(int start);

    /** @return the index of the first NaN or infinite value, or -1; serial, for error messages */
    public int firstNonFinite() {
        for (int i = 0; i < length(); i++) {
            if (!Double.isFinite(valueAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** @return value {@code i}, widened to double */
    public abstract double valueAt(int i);
}
