package org.bn4j.core.storage;

/**
 * Float values in {@link DirectFloats}. Read and written through {@link #read}/{@link #written}, segments are staged
 * as {@link FloatData} stages a buffer's; with the Vector API the kernels load and store {@link #memory} in place
 * instead, from value {@link #base} on.
 */
public final class DirectFloatData extends Data<float[]> {
    public final DirectFloats memory;
    /** Index in {@link #memory} of this data's value 0. */
    public final int base;
    private final Data<float[]> staged;

    public DirectFloatData(DirectFloats memory) {
        this(memory, 0, memory.length());
    }

    private DirectFloatData(DirectFloats memory, int base, int length) {
        super(length, false);
        this.memory = memory;
        this.base = base;
        this.staged = FloatData.of(memory.floats().position(base).limit(base + length));
    }

    @Override
    public Data<float[]> slice(int start, int len) {
        return new DirectFloatData(memory, base + start, len);
    }

    @Override
    public float[] read(int start, int len, int slot) {
        return staged.read(start, len, slot);
    }

    @Override
    public float[] writable(int start, int len, int slot) {
        return staged.writable(start, len, slot);
    }

    @Override
    public void written(int start, int len, float[] array) {
        staged.written(start, len, array);
    }

    @Override
    public int offset(int start) {
        return staged.offset(start);
    }

    @Override
    public double valueAt(int i) {
        return staged.valueAt(i);
    }
}
