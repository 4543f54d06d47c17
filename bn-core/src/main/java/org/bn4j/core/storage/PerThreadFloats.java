package org.bn4j.core.storage;

/**
 * Working arrays of floats, a fixed number of numbered slots per thread, reused from call to call so that a pass
 * allocates none per call. A slot's array is its thread's until the next request for that slot: its values are
 * stale, and whoever holds it must not call code that requests the same slot.
 */
public final class PerThreadFloats {
    private final ThreadLocal<float[][]> arrays;
    private final int minimumLength;

    /**
     * @param slots         arrays per thread
     * @param minimumLength the least length of an array, so that small requests of varying size share one
     */
    public PerThreadFloats(int slots, int minimumLength) {
        this.arrays = ThreadLocal.withInitial(() -> new float[slots][0]);
        this.minimumLength = minimumLength;
    }

    /** @param slots arrays per thread */
    public PerThreadFloats(int slots) {
        this(slots, 0);
    }

    /** @return this thread's array {@code slot}, at least {@code length} long; its values are stale */
    public float[] get(int slot, int length) {
        final float[][] slots = arrays.get();
        if (slots[slot].length < length) {
            slots[slot] = new float[Math.max(length, minimumLength)];
        }
        return slots[slot];
    }
}
