package org.bn4j.core.loops;

/**
 * Where the vector sums of a run or block at the memory's end go: copied to an array with room for whole vectors
 * ({@code padded}), then summed by the vector loops of arrays, so that every vector loads within the memory. The
 * copy costs one pass over one run per tensor.
 */
final class PaddedRuns {
    /** The vector loops of float arrays: the same lanes in the same order as the loops of any other memory. */
    static final FloatLoops<float[]> LOOPS = new FloatVectorLoops();

    private PaddedRuns() {
    }
}
