package org.bn4j.core.loops;

import org.bn4j.core.storage.PerThreadFloats;

/**
 * Where the vector sums of a run or block of rows at the memory's end go: copied to a per-thread array with room for
 * whole vectors ({@code padded}), then summed by the vector loops of arrays, so that every vector loads within the
 * memory. The copy costs one pass over one run or block per tensor, and allocates nothing once the arrays have grown.
 */
final class PaddedRuns {
    /** The vector loops of float arrays: the same lanes in the same order as the loops of any other memory. */
    static final FloatLoops<float[]> LOOPS = new FloatVectorLoops();
    /** The copies, two per thread (slots 0 and 1). */
    static final PerThreadFloats COPIES = new PerThreadFloats(2);

    private PaddedRuns() {
    }
}
