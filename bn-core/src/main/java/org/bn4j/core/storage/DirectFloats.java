package org.bn4j.core.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Float values in off-heap memory, given as a direct {@link ByteBuffer}. With the Vector API the passes load and store vectors in that memory in place (the sums of channels-last rows excepted);
 * otherwise it is staged a segment at a time as a {@link FloatBuffer} would be.
 */
public final class DirectFloats {
    public final ByteBuffer bytes;
    private final FloatBuffer floats;
    /** The memory as the Vector API addresses it on this JDK; made by the loops on first use. */
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
    public static DirectFloats of(ByteBuffer bytes) {
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
    public int length() {
        return floats.capacity();
    }

    /** @return whether the memory can be written */
    public boolean isReadOnly() {
        return bytes.isReadOnly();
    }

    /** @return the values as a float buffer over the same memory, positioned at 0 */
    public FloatBuffer floats() {
        return floats.duplicate();
    }

    /** Copies floats {@code [from, from + len)} to {@code into[0, len)}; absolute, so threads may read at once. */
    public void read(int from, float[] into, int len) {
        floats.get(from, into, 0, len);
    }

    /** @return the memory as the Vector API addresses it, once {@link #cacheVectorMemory} has been given it; else null */
    public Object vectorMemory() {
        return vectorMemory;
    }

    /** Keeps {@code memory}, this memory as the Vector API addresses it, for {@link #vectorMemory()}. */
    public void cacheVectorMemory(Object memory) {
        vectorMemory = memory;
    }
}
