package org.bn4j.core;

import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bn4j.core.storage.Data;
import org.bn4j.core.storage.DirectFloatData;
import org.bn4j.core.storage.DirectFloats;
import org.bn4j.core.storage.DoubleData;
import org.bn4j.core.storage.FloatData;

/**
 * A tensor's values in some storage, float or double: the one type {@link BatchNormalizer} reads and writes.
 * A view, not a copy: bn-core works in the storage itself and it must stay valid for the call.
 *
 * <ul>
 *   <li>{@link #of(float[])}, {@link #of(double[])}: heap arrays, used in place;</li>
 *   <li>{@link #of(FloatBuffer)}, {@link #of(DoubleBuffer)}: the values from the buffer's position to its limit,
 *       reached by absolute access (positions are not moved) and staged a segment at a time, never copied whole;</li>
 *   <li>{@link #ofDirectFloats(ByteBuffer)}: floats in off-heap memory (ND4J's, for one), which the Vector API
 *       loops load and store in place.</li>
 * </ul>
 *
 * <p>An output and an input are the same values (an in-place call, allowed for {@code y} and x, {@code dx} and dy)
 * when they view the same array or buffer object, or, for off-heap memory, are the same {@code Values}; otherwise
 * outputs must not overlap inputs. Immutable; thread-safe as far as its storage is.
 */
public final class Values {
    private static final String BUFFER_UNIT = " values between position and limit";
    final Data<?> data;
    /** What decides whether two values are the same (an in-place call). */
    final Object storage;
    final boolean isDouble;
    final boolean isReadOnly;
    /** What the length counts, for messages. */
    final String unit;

    private Values(Data<?> data, Object storage, boolean isDouble, boolean isReadOnly, String unit) {
        this.data = data;
        this.storage = storage;
        this.isDouble = isDouble;
        this.isReadOnly = isReadOnly;
        this.unit = unit;
    }

    /** @throws IllegalArgumentException if {@code values} is null */
    public static Values of(float[] values) {
        return new Values(FloatData.of(Checks.notNull("values", values)), values, false, false, " values");
    }

    /** @throws IllegalArgumentException if {@code values} is null */
    public static Values of(double[] values) {
        return new Values(DoubleData.of(Checks.notNull("values", values)), values, true, false, " values");
    }

    /** @throws IllegalArgumentException if {@code buffer} is null */
    public static Values of(FloatBuffer buffer) {
        return new Values(FloatData.of(Checks.notNull("buffer", buffer)), buffer, false, buffer.isReadOnly(),
                BUFFER_UNIT);
    }

    /** @throws IllegalArgumentException if {@code buffer} is null */
    public static Values of(DoubleBuffer buffer) {
        return new Values(DoubleData.of(Checks.notNull("buffer", buffer)), buffer, true, buffer.isReadOnly(),
                BUFFER_UNIT);
    }

    /**
     * @param bytes the floats' memory, from its position to its limit, a multiple of 4 bytes; must be direct. Its
     *              position, limit and byte order are not changed (values are read in the platform's native order).
     * @throws IllegalArgumentException if the buffer is null, on the heap, or not a whole number of floats
     */
    public static Values ofDirectFloats(ByteBuffer bytes) {
        DirectFloats memory = DirectFloats.of(bytes);
        return new Values(new DirectFloatData(memory), memory, false, memory.isReadOnly(), " values");
    }

    /** @return the number of values */
    public int length() {
        return data.length();
    }

    /** @return whether the values are doubles (else floats) */
    public boolean isDouble() {
        return isDouble;
    }

    @Override
    public String toString() {
        return length() + (isDouble ? " doubles" : " floats") + " in " + storage.getClass().getSimpleName();
    }
}
