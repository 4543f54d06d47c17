package org.bn4j.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float values in off-heap memory, given as a direct {@link ByteBuffer} (see {@link Values#ofDirectFloats}). With the
 * Vector API the passes load and store vectors in that memory in place (the sums of channels-last rows excepted);
 * otherwise it is staged a segment at a time as a {@link FloatBuffer} would be.
 */
final class DirectFloats {
    final ByteBuffer bytes;
    private final FloatBuffer floats;
    /** The memory as the Vector API addresses it on this JDK; made on first use. */
    private Object vectorMemory;

    private DirectFloats(ByteBuffer bytes) {
        this.bytes = bytes;
        this.floats = bytes.asFloatBuffer();
    }

    /**
     * @param bytes the floats' memory, from its position to its limit, a multiple of 4 bytes; must be direct. Its
     *              position, limit and byte order are not changed (values are read in the platform's native order).
     * @throws IllegalArgumentException if the buffer is null, on the heap, or not a whole number of floats
     */
    static DirectFloats of(ByteBuffer bytes) {
        if (bytes == null || !bytes.isDirect()) {
            throw new IllegalArgumentException("DirectFloats needs a direct ByteBuffer, got "
                    + (bytes == null ? "null" : "a heap buffer"));
        }
        if (bytes.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException("a ByteBuffer of " + bytes.remaining()
                    + " bytes between position and limit does not hold whole floats");
        }
        return new DirectFloats(bytes.slice().order(ByteOrder.nativeOrder()));
    }

    /** @return the number of float values */
    int length() {
        return floats.capacity();
    }

    /** @return whether the memory can be written */
    boolean isReadOnly() {
        return bytes.isReadOnly();
    }

    /** @return the values as a float buffer over the same memory, positioned at 0 */
    FloatBuffer floats() {
        return floats.duplicate();
    }

    /** @return the memory in the form {@link DirectVectorLoops} loads from; only called when the Vector API is on */
    Object vectorMemory() {
        Object memory = vectorMemory;
        if (memory == null) {
            memory = DirectVectorLoops.memoryOf(bytes);
            vectorMemory = memory;
        }
        return memory;
    }
}
