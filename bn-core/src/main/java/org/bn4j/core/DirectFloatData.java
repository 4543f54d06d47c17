package org.bn4j.core;

/**
 * Float values in {@link DirectFloats}. Without the Vector API every pass stages segments as {@link FloatData} does
 * for a buffer; with it, {@link #kernel} gives kernels that read and write the memory in place through
 * {@link DirectVectorLoops} (all passes of channels-first planes, the elementwise passes of channels-last rows).
 */
final class DirectFloatData extends Data<float[]> {
    final DirectFloats memory;
    /** Index in {@link #memory} of this data's value 0. */
    final int base;
    private final int length;
    private final Data<float[]> staged;

    DirectFloatData(DirectFloats memory) {
        this(memory, 0, memory.length());
    }

    private DirectFloatData(DirectFloats memory, int base, int length) {
        this.memory = memory;
        this.base = base;
        this.length = length;
        this.staged = FloatData.of(memory.floats().position(base).limit(base + length));
    }

    @Override
    int length() {
        return length;
    }

    @Override
    Data<float[]> slice(int start, int len) {
        return new DirectFloatData(memory, base + start, len);
    }

    @Override
    Kernel<float[]> kernel(Shape shape) {
        return Loops.usesVectorApi() ? DirectVectorLoops.kernel(shape) : Kernel.forFloat(shape);
    }

    @Override
    float[] read(int start, int len, int slot) {
        return staged.read(start, len, slot);
    }

    @Override
    float[] writable(int start, int len, int slot) {
        return staged.writable(start, len, slot);
    }

    @Override
    void written(int start, int len, float[] array) {
        staged.written(start, len, array);
    }

    @Override
    int offset(int start) {
        return staged.offset(start);
    }

    @Override
    int firstNonFinite() {
        return staged.firstNonFinite();
    }

    @Override
    double largestMagnitude(int start, int len, int slot) {
        return Loops.usesVectorApi() ? DirectVectorLoops.largestMagnitude(this, start, len)
                : staged.largestMagnitude(start, len, slot);
    }

    @Override
    double valueAt(int i) {
        return staged.valueAt(i);
    }
}
