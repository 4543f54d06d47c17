package org.bn4j.core;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The elementwise loops of float data in {@link DirectFloats}, with vectors loaded from and stored to the off-heap
 * memory in place (staging it through arrays doubled the cost of these passes). They do the scalar operations in the
 * scalar order, without fused multiply-adds, so results equal {@link ScalarLoops}' and {@link VectorLoops}' bit for
 * bit; the largest magnitude is exact in any order. Reductions stay staged: on JDK 17 the widening sums ran at half
 * their speed on arrays when they loaded from off-heap memory (measured), and staging a segment into cache costs less.
 *
 * <p>The Vector API reaches off-heap memory through {@code ByteBuffer}s on JDK 17 to 19 and through
 * {@code java.lang.foreign.MemorySegment}s from JDK 20 on; neither method exists on both. The two are looked up once,
 * as method handles typed over {@code Object}, so one class file runs on every JDK; the JIT inlines a constant
 * method handle like a direct call. Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class DirectVectorLoops {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /** Below this many values the scalar loops are as fast. */
    private static final int MIN_VECTOR_VALUES = 64;

    /** {@code (ByteBuffer) -> memory}: the buffer itself, or a {@code MemorySegment} over it. */
    private static final MethodHandle MEMORY;
    /** {@code (species, memory, long byteOffset, order) -> FloatVector}. */
    private static final MethodHandle LOAD;
    /** {@code (vector, memory, long byteOffset, order) -> void}. */
    private static final MethodHandle STORE;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle memory;
        MethodHandle load;
        MethodHandle store;
        try {
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            memory = lookup.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class));
            load = lookup.findStatic(FloatVector.class, "fromMemorySegment", MethodType.methodType(FloatVector.class,
                    VectorSpecies.class, segment, long.class, ByteOrder.class));
            store = lookup.findVirtual(FloatVector.class, "intoMemorySegment",
                    MethodType.methodType(void.class, segment, long.class, ByteOrder.class));
        } catch (ReflectiveOperationException newerJdkOnly) {
            try {
                memory = MethodHandles.identity(ByteBuffer.class);
                load = lookup.findStatic(FloatVector.class, "fromByteBuffer", MethodType.methodType(FloatVector.class,
                        VectorSpecies.class, ByteBuffer.class, int.class, ByteOrder.class));
                store = lookup.findVirtual(FloatVector.class, "intoByteBuffer",
                        MethodType.methodType(void.class, ByteBuffer.class, int.class, ByteOrder.class));
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }
        MEMORY = MethodHandles.explicitCastArguments(memory, MethodType.methodType(Object.class, ByteBuffer.class));
        LOAD = MethodHandles.explicitCastArguments(load, MethodType.methodType(FloatVector.class, VectorSpecies.class,
                Object.class, long.class, ByteOrder.class));
        STORE = MethodHandles.explicitCastArguments(store, MethodType.methodType(void.class, FloatVector.class,
                Object.class, long.class, ByteOrder.class));
    }

    private DirectVectorLoops() {
    }

    /** @return the memory of {@code bytes} (positioned at 0) in the form {@link #load} and {@link #store} take */
    static Object memoryOf(ByteBuffer bytes) {
        try {
            return (Object) MEMORY.invokeExact(bytes);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /** @return the kernel for direct float data of this shape: staged reductions, in-place elementwise passes */
    static Kernel<float[]> kernel(Shape shape) {
        return Kernel.usesRows(shape) ? new Rows(shape) : new Planes(shape);
    }

    private static FloatVector load(Object memory, long index) {
        try {
            return (FloatVector) LOAD.invokeExact(FLOATS, memory, index * Float.BYTES, ORDER);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static void store(FloatVector v, Object memory, long index) {
        try {
            STORE.invokeExact(v, memory, index * Float.BYTES, ORDER);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static RuntimeException rethrown(Throwable e) {
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        if (e instanceof Error) {
            throw (Error) e;
        }
        return new IllegalStateException(e);
    }

    private static float get(DirectFloatData d, int i) {
        return d.memory.bytes.getFloat((d.base + i) * Float.BYTES);
    }

    private static void put(DirectFloatData d, int i, float v) {
        d.memory.bytes.putFloat((d.base + i) * Float.BYTES, v);
    }

    /**
     * {@code y = ((x - hi) - lo) * a + b} over {@code [start, start + len)}, as {@link #normalize}, measuring x as it
     * goes: one read of x instead of two.
     *
     * @return the largest {@code |x|}: infinite when one is, NaN when one is
     */
    static double normalizeMeasuring(DirectFloatData x, DirectFloatData y, int start, int len, float hi, float lo,
                                     float a, float b) {
        final Object xm = x.memory.vectorMemory(), ym = y.memory.vectorMemory();
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        FloatVector largest = FloatVector.zero(FLOATS);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector v = load(xm, x.base + i);
            largest = largest.max(v.abs());   // lanewise Math.max: carries NaN
            store(v.sub(vh).sub(vl).mul(va).add(vb), ym, y.base + i);
        }
        double result = largest.reduceLanes(VectorOperators.MAX);
        for (; i < end; i++) {
            float v = get(x, i);
            result = Math.max(result, Math.abs(v));
            put(y, i, ((v - hi) - lo) * a + b);
        }
        return result;
    }

    /** @return the largest {@code |x|} over {@code [start, start + len)}: infinite when one is, NaN when one is */
    static double largestMagnitude(DirectFloatData x, int start, int len) {
        final Object xm = x.memory.vectorMemory();
        final int end = start + len;
        final int bound = len < MIN_VECTOR_VALUES ? start : start + FLOATS.loopBound(len);
        FloatVector largest = FloatVector.zero(FLOATS);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            largest = largest.max(load(xm, x.base + i).abs());   // lanewise Math.max: carries NaN
        }
        double result = i > start ? largest.reduceLanes(VectorOperators.MAX) : 0;
        for (; i < end; i++) {
            result = Math.max(result, Math.abs(get(x, i)));
        }
        return result;
    }

    /** {@code y = ((x - hi) - lo) * a + b} over {@code [start, start + len)}. */
    static void normalize(DirectFloatData x, DirectFloatData y, int start, int len, float hi, float lo, float a, float b) {
        final Object xm = x.memory.vectorMemory(), ym = y.memory.vectorMemory();
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            store(load(xm, x.base + i).sub(vh).sub(vl).mul(va).add(vb), ym, y.base + i);
        }
        for (; i < end; i++) {
            put(y, i, ((get(x, i) - hi) - lo) * a + b);
        }
    }

    /** {@code y[start + j] = ((x[start + j] - hi[j]) - lo[j]) * a[j] + b[j]} for {@code j < len}. */
    static void normalizeTile(DirectFloatData x, DirectFloatData y, int start, int len, float[] hi, float[] lo,
                              float[] a, float[] b) {
        final Object xm = x.memory.vectorMemory(), ym = y.memory.vectorMemory();
        final int bound = FLOATS.loopBound(len);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = load(xm, x.base + start + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            store(v.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j)), ym, y.base + start + j);
        }
        for (; j < len; j++) {
            put(y, start + j, ((get(x, start + j) - hi[j]) - lo[j]) * a[j] + b[j]);
        }
    }

    /** {@code dx = k * dy + q * ((x - hi) - lo) + r} over {@code [start, start + len)}. */
    static void gradApply(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len, float hi,
                          float lo, float k, float q, float r) {
        final Object xm = x.memory.vectorMemory(), gm = dy.memory.vectorMemory(), dm = dx.memory.vectorMemory();
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector vk = FloatVector.broadcast(FLOATS, k), vq = FloatVector.broadcast(FLOATS, q);
        final FloatVector vr = FloatVector.broadcast(FLOATS, r);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector xc = load(xm, x.base + i).sub(vh).sub(vl);
            store(vk.mul(load(gm, dy.base + i)).add(vq.mul(xc)).add(vr), dm, dx.base + i);
        }
        for (; i < end; i++) {
            put(dx, i, k * get(dy, i) + q * ((get(x, i) - hi) - lo) + r);
        }
    }

    /** {@code dx[start + j] = k[j] * dy[start + j] + q[j] * ((x[start + j] - hi[j]) - lo[j]) + r[j]} for {@code j < len}. */
    static void gradApplyTile(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len, float[] hi,
                              float[] lo, float[] k, float[] q, float[] r) {
        final Object xm = x.memory.vectorMemory(), gm = dy.memory.vectorMemory(), dm = dx.memory.vectorMemory();
        final int bound = FLOATS.loopBound(len);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xc = load(xm, x.base + start + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector g = FloatVector.fromArray(FLOATS, k, j).mul(load(gm, dy.base + start + j));
            store(g.add(FloatVector.fromArray(FLOATS, q, j).mul(xc)).add(FloatVector.fromArray(FLOATS, r, j)), dm,
                    dx.base + start + j);
        }
        for (; j < len; j++) {
            put(dx, start + j, k[j] * get(dy, start + j) + q[j] * ((get(x, start + j) - hi[j]) - lo[j]) + r[j]);
        }
    }

    /** Channels-first planes: reductions staged as for any buffer, elementwise passes in place. */
    private static final class Planes extends PlanarKernel.OfFloat {
        Planes(Shape shape) {
            super(shape);
        }

        @Override
        public double normalizeMeasuring(Data<float[]> x, Data<float[]> y, int task, float[] centerHi,
                                         float[] centerLo, float[] scale, float[] shift) {
            final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
            final int channels = channelCount(task), ch0 = firstChannel(task);
            double largest = 0;
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
                for (int ch = ch0; ch < ch0 + channels; ch++) {
                    largest = Math.max(largest, DirectVectorLoops.normalizeMeasuring(xd, yd, start + (ch - ch0) * run,
                            run, centerHi[ch], centerLo[ch], scale[ch], shift[ch]));
                }
            }
            return largest;
        }

        @Override
        public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                              float[] scale, float[] shift) {
            final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
            final int channels = channelCount(task), ch0 = firstChannel(task);
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
                for (int ch = ch0; ch < ch0 + channels; ch++) {
                    DirectVectorLoops.normalize(xd, yd, start + (ch - ch0) * run, run, centerHi[ch], centerLo[ch],
                            scale[ch], shift[ch]);
                }
            }
        }

        @Override
        public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                              float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
            final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
            final int channels = channelCount(task), ch0 = firstChannel(task);
            for (int k = 0, segments = segments(task); k < segments; k++) {
                final int start = segmentStart(task, k), run = segmentLength(task, k) / channels;
                for (int ch = ch0; ch < ch0 + channels; ch++) {
                    DirectVectorLoops.gradApply(xd, gd, dd, start + (ch - ch0) * run, run, centerHi[ch], centerLo[ch],
                            dyScale[ch], xcScale[ch], offset[ch]);
                }
            }
        }
    }

    /** Channels-last rows: reductions staged as for any buffer, elementwise passes in place, a tile at a time. */
    private static final class Rows extends RowKernel.OfFloat {
        Rows(Shape shape) {
            super(shape);
        }

        @Override
        public void normalize(Data<float[]> x, Data<float[]> y, int task, float[] centerHi, float[] centerLo,
                              float[] scale, float[] shift) {
            final DirectFloatData xd = (DirectFloatData) x, yd = (DirectFloatData) y;
            final int start = start(task), rowCount = rowCount(task);
            for (int r = 0; r < rowCount; r += tileRows) {
                DirectVectorLoops.normalizeTile(xd, yd, start + r * c, Math.min(tileRows, rowCount - r) * c,
                        centerHi, centerLo, scale, shift);
            }
        }

        @Override
        public void gradApply(Data<float[]> x, Data<float[]> dy, Data<float[]> dx, int task, float[] centerHi,
                              float[] centerLo, float[] dyScale, float[] xcScale, float[] offset) {
            final DirectFloatData xd = (DirectFloatData) x, gd = (DirectFloatData) dy, dd = (DirectFloatData) dx;
            final int start = start(task), rowCount = rowCount(task);
            for (int r = 0; r < rowCount; r += tileRows) {
                DirectVectorLoops.gradApplyTile(xd, gd, dd, start + r * c, Math.min(tileRows, rowCount - r) * c,
                        centerHi, centerLo, dyScale, xcScale, offset);
            }
        }
    }
}
