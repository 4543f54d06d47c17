package org.bn4j.core;

import java.nio.FloatBuffer;

/** Float values in a {@code float[]} (used in place) or a {@link FloatBuffer} (staged segment by segment). */
final class FloatData {
    private FloatData() {
    }

    static Data<float[]> of(float[] values) {
        return of(values, 0, values.length);
    }

    /** @return values {@code [from, from + length)} of the array, used in place */
    private static Data<float[]> of(float[] values, int from, int length) {
        return new Data<>() {
            @Override
            int length() {
                return length;
            }

            @Override
            Data<float[]> slice(int start, int len) {
                return of(values, from + start, len);
            }

            @Override
            Kernel<float[]> kernel(Shape shape) {
                return Kernel.forFloat(shape);
            }

            @Override
            float[] read(int start, int len, int slot) {
                return values;
            }

            @Override
            float[] writable(int start, int len, int slot) {
                return values;
            }

            @Override
            void written(int start, int len, float[] array) {
            }

            @Override
            int offset(int start) {
                return from + start;
            }

            @Override
            int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Float.isFinite(values[from + i])) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            double largestMagnitude(int start, int len, int slot) {
                return Loops.CHOSEN.largestMagnitude(values, from + start, from + start + len);
            }

            @Override
            double valueAt(int i) {
                return values[from + i];
            }
        };
    }

    /** @param buffer values {@code [position, limit)}; absolute access, the buffer's position is not moved */
    static Data<float[]> of(FloatBuffer buffer) {
        final int base = buffer.position();
        final int length = buffer.remaining();
        return new Data<>() {
            @Override
            int length() {
                return length;
            }

            @Override
            Data<float[]> slice(int start, int len) {
                return of(buffer.slice(base + start, len));
            }

            @Override
            Kernel<float[]> kernel(Shape shape) {
                return Kernel.forFloat(shape);
            }

            @Override
            float[] read(int start, int len, int slot) {
                float[] scratch = scratch(slot, len);
                buffer.get(base + start, scratch, 0, len);
                return scratch;
            }

            @Override
            float[] writable(int start, int len, int slot) {
                return scratch(slot, len);
            }

            @Override
            void written(int start, int len, float[] array) {
                buffer.put(base + start, array, 0, len);
            }

            @Override
            int offset(int start) {
                return 0;
            }

            @Override
            int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Float.isFinite(buffer.get(base + i))) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            double largestMagnitude(int start, int len, int slot) {
                return Loops.CHOSEN.largestMagnitude(read(start, len, slot), 0, len);
            }

            @Override
            double valueAt(int i) {
                return buffer.get(base + i);
            }
        };
    }

    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[Data.SLOTS][0]);

    private static float[] scratch(int slot, int len) {
        float[][] slots = SCRATCH.get();
        if (slots[slot].length < len) {
            slots[slot] = new float[Math.max(len, Kernel.BLOCK_VALUES)];
        }
        return slots[slot];
    }
}
