package org.bn4j.core.kernel;

import org.bn4j.core.storage.Data;

/**
 * How the kernels reach a segment of data as memory the loops take: arrays used in place, buffers staged through a
 * per-thread array (see {@link Data}). The off-heap kernels reach it through {@link InPlace} instead.
 */
final class Staged {
    private Staged() {
    }

    /** @return values {@code [start, start + len)} to read, from {@link #offset} on */
    static <A> A read(Data<A> d, int start, int len, int slot) {
        return d.read(start, len, slot);
    }

    /** @return memory for values {@code [start, start + len)} to write, from {@link #offset} on */
    static <A> A writable(Data<A> d, int start, int len, int slot) {
        return d.writable(start, len, slot);
    }

    /** Hands back what {@link #writable} gave, now written. */
    static <A> void written(Data<A> d, int start, int len, A memory) {
        d.written(start, len, memory);
    }

    /** @return where value {@code start} of {@code d} sits in the memory: the same in every data of one call */
    static <A> int offset(Data<A> d, int start) {
        return d.offset(start);
    }
}
