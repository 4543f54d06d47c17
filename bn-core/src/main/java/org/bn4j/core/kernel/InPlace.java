package org.bn4j.core.kernel;

import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;
import org.bn4j.core.storage.DirectFloats;

/**
 * {@link Staged} for off-heap floats with the Vector API: a segment is the memory itself, nothing is copied. The data
 * of one call start at the same index of their memories (see {@link Data}), so one offset serves them all.
 */
final class InPlace {
    private InPlace() {
    }

    static DirectFloats read(Data<float[]> d, int start, int len, int slot) {
        return ((DirectFloatData) d).memory;
    }

    static DirectFloats writable(Data<float[]> d, int start, int len, int slot) {
        return ((DirectFloatData) d).memory;
    }

    static void written(Data<float[]> d, int start, int len, DirectFloats memory) {
    }

    static int offset(Data<float[]> d, int start) {
        return ((DirectFloatData) d).base + start;
    }
}
