package org.bn4j.core.storage;

import java.nio.FloatBuffer;

/**
 * Float values in a {@code float[]} (used in place) or a {@link FloatBuffer} (staged segment by segment).
 * Also the template of the twin for the other element type, generated at build time (see bn-core's pom).
 */
public final class FloatData {
    /** The element type, which the twins differ by. */
    private static final Class<?> ELEMENT = float.class;

    private FloatData() {
    }

    public static Data<float[]> of(float[] values) {
        return of(values, 0, values.length);
    }

    /** @return values {@code [from, from + length)} of the array, used in place */
    private static Data<float[]> of(float[] values, int from, int length) {
        return new Data<>(length, ELEMENT == double.class) {
            @Override
            public Data<float[]> slice(int start, int len) {
                return of(values, from + start, len);
            }

            @Override
            public float[] read(int start, int len, int slot) {
                return values;
            }

            @Override
            public float[] writable(int start, int len, int slot) {
                return values;
            }

            @Override
            public void written(int start, int len, float[] array) {
            }

            @Override
            public int offset(int start) {
                return from + start;
            }

            @Override
            public double valueAt(int i) {
                return values[from + i];
            }
        };
    }

    /** @param buffer values {@code [position, limit)}; absolute access, the buffer's position is not moved */
    public static Data<float[]> of(FloatBuffer buffer) {
        final int base = buffer.position();
        final int length = buffer.remaining();
        return new Data<>(length, ELEMENT == double.class) {
            @Override
            public Data<float[]> slice(int start, int len) {
                return of(buffer.slice(base + start, len));
            }

            @Override
            public float[] read(int start, int len, int slot) {
                float[] scratch = SCRATCH.get(slot, len);
                buffer.get(base + start, scratch, 0, len);
                return scratch;
            }

            @Override
            public float[] writable(int start, int len, int slot) {
                return SCRATCH.get(slot, len);
            }

            @Override
            public void written(int start, int len, float[] array) {
                buffer.put(base + start, array, 0, len);
            }

            @Override
            public int offset(int start) {
                return 0;
            }

            @Override
            public double valueAt(int i) {
                return buffer.get(base + i);
            }
        };
    }

    private static final PerThreadFloats SCRATCH = new PerThreadFloats(Data.SLOTS, Data.SCRATCH_VALUES);
}
