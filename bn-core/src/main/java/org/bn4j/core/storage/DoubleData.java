package org.bn4j.core.storage;

import java.nio.DoubleBuffer;

/** Double values in a {@code double[]} (used in place) or a {@link DoubleBuffer} (staged segment by segment). */
public final class DoubleData {
    /** The element type, which the twins differ by. */
    private static final Class<?> ELEMENT = double.class;

    private DoubleData() {
    }

    public static Data<double[]> of(double[] values) {
        return of(values, 0, values.length);
    }

    /** @return values {@code [from, from + length)} of the array, used in place */
    private static Data<double[]> of(double[] values, int from, int length) {
        return new Data<>() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public Data<double[]> slice(int start, int len) {
                return of(values, from + start, len);
            }

            @Override
            public boolean holdsDoubles() {
                return ELEMENT == double.class;
            }

            @Override
            public double[] read(int start, int len, int slot) {
                return values;
            }

            @Override
            public double[] writable(int start, int len, int slot) {
                return values;
            }

            @Override
            public void written(int start, int len, double[] array) {
            }

            @Override
            public int offset(int start) {
                return from + start;
            }

            @Override
            public int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Double.isFinite(values[from + i])) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            public double valueAt(int i) {
                return values[from + i];
            }
        };
    }

    /** @param buffer values {@code [position, limit)}; absolute access, the buffer's position is not moved */
    public static Data<double[]> of(DoubleBuffer buffer) {
        final int base = buffer.position();
        final int length = buffer.remaining();
        return new Data<>() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public Data<double[]> slice(int start, int len) {
                return of(buffer.slice(base + start, len));
            }

            @Override
            public boolean holdsDoubles() {
                return ELEMENT == double.class;
            }

            @Override
            public double[] read(int start, int len, int slot) {
                double[] scratch = scratch(slot, len);
                buffer.get(base + start, scratch, 0, len);
                return scratch;
            }

            @Override
            public double[] writable(int start, int len, int slot) {
                return scratch(slot, len);
            }

            @Override
            public void written(int start, int len, double[] array) {
                buffer.put(base + start, array, 0, len);
            }

            @Override
            public int offset(int start) {
                return 0;
            }

            @Override
            public int firstNonFinite() {
                for (int i = 0; i < length; i++) {
                    if (!Double.isFinite(buffer.get(base + i))) {
                        return i;
                    }
                }
                return -1;
            }

            @Override
            public double valueAt(int i) {
                return buffer.get(base + i);
            }
        };
    }

    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[Data.SLOTS][0]);

    private static double[] scratch(int slot, int len) {
        double[][] slots = SCRATCH.get();
        if (slots[slot].length < len) {
            slots[slot] = new double[Math.max(len, Data.SCRATCH_VALUES)];
        }
        return slots[slot];
    }
}
