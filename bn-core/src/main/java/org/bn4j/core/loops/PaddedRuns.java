package org.bn4j.core.loops;

/**
 * Where the vector sums of a run or block of rows at the memory's end go: copied to a per-thread array with room for
 * whole vectors ({@code padded}), then summed by the vector loops of arrays, so that every vector loads within the
 * memory. The copy costs one pass over one run or block per tensor, and allocates nothing once the arrays have grown.
 */
final class PaddedRuns {
    /** The vector loops of float arrays: the same lanes in the same order as the loops of any other memory. */
    static final FloatLoops<float[]> LOOPS = new FloatVectorLoops();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][0]);

    private PaddedRuns() {
    }

    /** @return this thread's array {@code slot} (0 or 1), at least {@code len} floats long; its values are stale */
    static float[] scratch(int slot, int len) {
        final float[][] slots = SCRATCH.get();
        if (slots[slot].length < len) {
            slots[slot] = new float[len];
        }
        return slots[slot];
    }
}
