package org.bn4j.core.loops;

import static org.bn4j.core.loops.Lanes.DOUBLES;
import static org.bn4j.core.loops.Lanes.FLOATS;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * How {@link FloatVectorLoops} reaches floats on the heap, {@code float[]}: the same methods as
 * {@link OffHeapFloatMemory}, which reaches off-heap memory. The loops are written once against these methods and
 * compiled twice, once over each (see bn-core's pom), so that each compiles to straight vector code with no call
 * that the JIT must choose at run time.
 */
final class FloatArrayMemory {
    private FloatArrayMemory() {
    }

    /** @return the memory in the form {@link #load} and {@link #store} take: the array itself */
    static float[] vectorMemory(float[] x) {
        return x;
    }

    /** @return the number of floats */
    static int length(float[] x) {
        return x.length;
    }

    static FloatVector load(float[] memory, int i) {
        return FloatVector.fromArray(FLOATS, memory, i);
    }

    static void store(FloatVector v, float[] memory, int i) {
        v.intoArray(memory, i);
    }

    /**
     * @return {@code [i, i + HALF)} widened to double: the first half of the whole float vector from {@code i},
     * converted lane for lane. That vector must lie within the memory (see {@link PaddedRuns}).
     *
     * <p>Not a half-width float vector, nor the second half of a whole one: C2 compiles both worse (see
     * docs/performance.md, design decisions).
     */
    static DoubleVector widened(float[] memory, int i) {
        return (DoubleVector) load(memory, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    static float get(float[] x, int i) {
        return x[i];
    }

    static void put(float[] x, int i, float v) {
        x[i] = v;
    }

    /**
     * @return floats {@code [from, to)} copied from index 0 of this thread's array {@code slot} (see
     * {@link PaddedRuns#COPIES}), which has room for a whole float vector more, so that every vector of the run loads
     * within it
     */
    static float[] padded(float[] x, int from, int to, int slot) {
        final float[] copy = PaddedRuns.COPIES.get(slot, to - from + FLOATS.length());
        System.arraycopy(x, from, copy, 0, to - from);
        return copy;
    }

    /** @return floats {@code [from, to)} in an array, at {@link #stagedOffset}: the array itself */
    static float[] staged(float[] x, int from, int to, int slot) {
        return x;
    }

    /** @return where {@link #staged} puts the float at {@code from} */
    static int stagedOffset(int from) {
        return from;
    }
}
