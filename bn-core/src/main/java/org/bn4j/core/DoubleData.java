package org.bn4j.core;

import java.nio.DoubleBuffer;

/** Double values in a {@code double[]} (used in place) or a {@link DoubleBuffer} (staged segment by segment). */
final class DoubleData {
    private DoubleData() {
    }

    static Data<double[]> of(double[] values) {
        return of(values, 0, values.length);
    }

    /** @return values {@code [from, from + length)} of the array, used in place */
    private static Data<double[]> of(double[] values, int from, int length) {
        return new Data<>() {
            @Override
            int length() {
                return length;
            }

            @Override
            Data<double[]> slice(int start, int len) {
                return of(values, from + start, len);
            }

            @Override
            Kernel<double[]> kernel(Shape shape) {
                return Kernel.forDouble(shape);
            }

            @Override
            double[] read(int start, int len, int slot) {
                return values;
            }

            @Override
            double[] writable(int start, int len, int slot) {
                return values;
            }

            @Override
            void written(int start, int len, double[] array) {
            }

            @Override
            int offset(int start) {
                return from + start;
            }

            @Override
            int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Double.isFinite(values[from + i])) {
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
    static Data<double[]> of(DoubleBuffer buffer) {
        final int base = buffer.position();
        final int length = buffer.remaining();
        return new Data<>() {
            @Override
            int length() {
                return length;
            }

            @Override
            Data<double[]> slice(int start, int len) {
                return of(buffer.slice(base + start, len));
            }

            @Override
            Kernel<double[]> kernel(Shape shape) {
                return Kernel.forDouble(shape);
            }

            @Override
            double[] read(int start, int len, int slot) {
                double[] scratch = scratch(slot, len);
                buffer.get(base + start, scratch, 0, len);
                return scratch;
            }

            @Override
            double[] writable(int start, int len, int slot) {
                return scratch(slot, len);
            }

            @Override
            void written(int start, int len, double[] array) {
                buffer.put(base + start, array, 0, len);
            }

            @Override
            int offset(int start) {
                return 0;
            }

            @Override
            int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Double.isFinite(buffer.get(base + i))) {
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

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[Data.SLOTS][0]);

    private static double[] scratch(int slot, int len) {
        double[][] slots = SCRATCH.get();
        if (slots[slot].length < len) {
            slots[slot] = new double[Math.max(len, Kernel.BLOCK_VALUES)];
        }
        return slots[slot];
    }
}
