package org.bn4j.core.loops;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bn4j.core.storage.DirectFloatData;
import org.bn4j.core.storage.DirectFloats;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The loops of float data in {@link DirectFloats}, with vectors loaded from and stored to the off-heap memory in place
 * (staging it through arrays costs the elementwise passes a copy each way). Elementwise loops do the scalar operations
 * in the scalar order, without fused multiply-adds, so results equal {@link ScalarLoops}' and {@link VectorLoops}' bit
 * for bit; the largest magnitude is exact in any order. The sums of channels-first planes add the same lanes in the
 * same order as {@link VectorLoops}, so they equal its results bit for bit too. The sums of channels-last rows stay
 * staged.
 *
 * <p>The Vector API reaches off-heap memory through {@code ByteBuffer}s on JDK 17 to 19 and through
 * {@code java.lang.foreign.MemorySegment}s from JDK 20 on; neither method exists on both. The {@code ByteBuffer}
 * methods are called directly (linked only when they run) and the {@code MemorySegment} ones through method handles
 * typed over {@code Object}, looked up once (see {@code SEGMENTS}), so one class file runs on every JDK. Loaded only
 * when the JVM has {@code jdk.incubator.vector}.
 *
 * <p>Loops read the fields they need (such as {@link DirectFloatData#base}) into locals first: on JDK 17 a vector
 * store into a {@code ByteBuffer} is a store to raw memory, after which C2 reloads every field the loop reads.
 */
public final class DirectVectorLoops {
    private static final VectorSpecies<Float> FLOATS = VectorLoops.FLOATS;
    /** The species of {@link VectorLoops}' sums and magnitudes: off-heap sums must widen exactly as array sums do. */
    private static final VectorSpecies<Double> DOUBLES = VectorLoops.DOUBLES;
    private static final int HALF = VectorLoops.HALF;
    private static final int MIN_VECTOR_VALUES = VectorLoops.MIN_VECTOR_VALUES;
    private static final VectorSpecies<Integer> INTS = VectorLoops.INTS;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * Whether this JDK reaches off-heap memory through {@code MemorySegment}s (JDK 20 on). Then the loads and stores go
     * through the method handles below; before it, through direct calls to the {@code ByteBuffer} methods, which the
     * class file links only when they run (it is compiled against JDK 17's API). A direct call costs C2 fewer nodes
     * than a method handle: loops with twelve loads and stores exceeded C2's inlining budget through handles, and a
     * call it does not inline boxes every vector.
     */
    private static final boolean SEGMENTS;
    /** {@code (ByteBuffer) -> MemorySegment}; null before JDK 20. */
    private static final MethodHandle MEMORY;
    /** {@code (species, memory, long byteOffset, order) -> FloatVector}; null before JDK 20. */
    private static final MethodHandle LOAD;
    /** {@code (vector, memory, long byteOffset, order) -> void}; null before JDK 20. */
    private static final MethodHandle STORE;

    static {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle memory = null;
        MethodHandle load = null;
        MethodHandle store = null;
        try {
            Class<?> segment = Class.forName("java.lang.foreign.MemorySegment");
            memory = lookup.findStatic(segment, "ofBuffer", MethodType.methodType(segment, Buffer.class));
            load = lookup.findStatic(FloatVector.class, "fromMemorySegment", MethodType.methodType(FloatVector.class,
                    VectorSpecies.class, segment, long.class, ByteOrder.class));
            store = lookup.findVirtual(FloatVector.class, "intoMemorySegment",
                    MethodType.methodType(void.class, segment, long.class, ByteOrder.class));
            memory = MethodHandles.explicitCastArguments(memory, MethodType.methodType(Object.class, ByteBuffer.class));
            load = MethodHandles.explicitCastArguments(load, MethodType.methodType(FloatVector.class,
                    VectorSpecies.class, Object.class, long.class, ByteOrder.class));
            store = MethodHandles.explicitCastArguments(store, MethodType.methodType(void.class, FloatVector.class,
                    Object.class, long.class, ByteOrder.class));
        } catch (ClassNotFoundException beforeJdk20) {
            // ByteBuffers, through direct calls
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        SEGMENTS = memory != null;
        MEMORY = memory;
        LOAD = load;
        STORE = store;
    }

    private DirectVectorLoops() {
    }

    /** @return the memory of {@code floats} in the form {@link #load} and {@link #store} take, made once */
    private static Object vectorMemory(DirectFloats floats) {
        Object memory = floats.vectorMemory();
        if (memory == null) {
            memory = memoryOf(floats.bytes);
            floats.cacheVectorMemory(memory);
        }
        return memory;
    }

    /** @return the memory of {@code bytes} (positioned at 0) in the form {@link #load} and {@link #store} take */
    private static Object memoryOf(ByteBuffer bytes) {
        if (!SEGMENTS) {
            return bytes;
        }
        try {
            return (Object) MEMORY.invokeExact(bytes);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    /**
     * @return the {@link #HALF} floats from {@code index} widened to double lane for lane: the first half of the whole
     * float vector from there, which must lie within the memory (see {@code VectorLoops.widened} for why whole)
     */
    private static DoubleVector widened(Object memory, long index) {
        return (DoubleVector) load(memory, index).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    /** @return the same values as {@link #widened}, lane by lane, from any index of {@code floats} */
    private static DoubleVector widenedByLane(DirectFloats floats, int index) {
        final double[] lanes = new double[HALF];
        for (int k = 0; k < HALF; k++) {
            lanes[k] = floats.bytes.getFloat((index + k) * Float.BYTES);
        }
        return DoubleVector.fromArray(DOUBLES, lanes, 0);
    }

    // load and store stay under C1's and C2's size limit for inlining any call (35 bytes): a call that is not inlined
    // boxes its vectors.

    private static FloatVector load(Object memory, long index) {
        return SEGMENTS ? loadFromSegment(memory, index)
                : FloatVector.fromByteBuffer(FLOATS, (ByteBuffer) memory, (int) (index * Float.BYTES), ORDER);
    }

    private static FloatVector loadFromSegment(Object memory, long index) {
        try {
            return (FloatVector) LOAD.invokeExact(FLOATS, memory, index * Float.BYTES, ORDER);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    private static void store(FloatVector v, Object memory, long index) {
        if (SEGMENTS) {
            storeToSegment(v, memory, index);
        } else {
            v.intoByteBuffer((ByteBuffer) memory, (int) (index * Float.BYTES), ORDER);
        }
    }

    private static void storeToSegment(FloatVector v, Object memory, long index) {
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
     * Adds {@code sum(x - m)} and {@code sum((x - m)^2)} over {@code [start, start + len)} to {@code deviations[0..1]}:
     * {@link VectorLoops#addDeviations(float[], int, int, double, double[])} on off-heap memory, bit for bit. Ranges
     * too short for vectors are staged.
     */
    public static void addDeviations(DirectFloatData x, int start, int len, double m, double[] deviations) {
        if (len < MIN_VECTOR_VALUES) {
            final int o = x.offset(start);
            Loops.CHOSEN.addDeviations(x.read(start, len, 0), o, o + len, m, deviations);
            return;
        }
        final Object xm = vectorMemory(x.memory);
        final int from = x.base + start;
        final int bound = FLOATS.loopBound(len);
        final int whole = VectorLoops.wholeSecondHalvesBound(x.memory.length() - from, 0, bound);
        final DoubleVector mean = DoubleVector.broadcast(DOUBLES, m);
        DoubleVector d0 = DoubleVector.zero(DOUBLES), d1 = d0, q0 = d0, q1 = d0;
        int j = 0;
        for (; j < whole; j += FLOATS.length()) {
            DoubleVector e0 = widened(xm, from + j).sub(mean), e1 = widened(xm, from + j + HALF).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        for (; j < bound; j += FLOATS.length()) {
            DoubleVector e0 = widened(xm, from + j).sub(mean);
            DoubleVector e1 = widenedByLane(x.memory, from + j + HALF).sub(mean);
            d0 = d0.add(e0);
            d1 = d1.add(e1);
            q0 = e0.fma(e0, q0);
            q1 = e1.fma(e1, q1);
        }
        double sumD = VectorLoops.sumOfLanes(d0.add(d1));
        double sumD2 = VectorLoops.sumOfLanes(q0.add(q1));
        for (; j < len; j++) {
            double e = get(x, start + j) - m;
            sumD += e;
            sumD2 += e * e;
        }
        deviations[0] += sumD;
        deviations[1] += sumD2;
    }

    /**
     * Adds {@code sum(dy)}, {@code sum(dy * (x - mean))} and {@code sum(dy^2)} over {@code [start, start + len)} to
     * {@code sums[0..2]}: {@link VectorLoops#gradSums(float[], float[], int, int, double, double[])} on off-heap
     * memory, bit for bit. Ranges too short for vectors are staged.
     */
    public static void gradSums(DirectFloatData x, DirectFloatData dy, int start, int len, double mean, double[] sums) {
        if (len < MIN_VECTOR_VALUES) {
            final int o = x.offset(start);
            Loops.CHOSEN.gradSums(x.read(start, len, 0), dy.read(start, len, 1), o, o + len, mean, sums);
            return;
        }
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory);
        final int xFrom = x.base + start, gFrom = dy.base + start;
        final int bound = FLOATS.loopBound(len);
        final int whole = VectorLoops.wholeSecondHalvesBound(
                Math.min(x.memory.length() - xFrom, dy.memory.length() - gFrom), 0, bound);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = 0;
        for (; j < whole; j += FLOATS.length()) {
            DoubleVector ga = widened(gm, gFrom + j), gb = widened(gm, gFrom + j + HALF);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(xm, xFrom + j).sub(m), p0);
            p1 = gb.fma(widened(xm, xFrom + j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        for (; j < bound; j += FLOATS.length()) {
            DoubleVector ga = widened(gm, gFrom + j), gb = widenedByLane(dy.memory, gFrom + j + HALF);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widened(xm, xFrom + j).sub(m), p0);
            p1 = gb.fma(widenedByLane(x.memory, xFrom + j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = VectorLoops.sumOfLanes(g0.add(g1));
        double p = VectorLoops.sumOfLanes(p0.add(p1));
        double s = VectorLoops.sumOfLanes(s0.add(s1));
        for (; j < len; j++) {
            final double d = get(dy, start + j);
            g += d;
            p += d * (get(x, start + j) - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    /**
     * {@code y = ((x - hi) - lo) * a + b} over {@code [start, start + len)}, as {@link #normalize}, measuring x as it
     * goes: one read of x instead of two.
     *
     * @return the largest {@code |x|}: infinite when one is, NaN when one is
     */
    public static double normalizeMeasuring(DirectFloatData x, DirectFloatData y, int start, int len, float hi, float lo,
                                     float a, float b) {
        final Object xm = vectorMemory(x.memory), ym = vectorMemory(y.memory);
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        final int xBase = x.base, yBase = y.base;
        IntVector largest = IntVector.zero(INTS);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector v = load(xm, xBase + i);
            largest = largest.max(VectorLoops.magnitudeBits(v));
            store(v.sub(vh).sub(vl).mul(va).add(vb), ym, yBase + i);
        }
        double result = VectorLoops.largestOf(largest);
        for (; i < end; i++) {
            float v = get(x, i);
            result = Math.max(result, Math.abs(v));
            put(y, i, ((v - hi) - lo) * a + b);
        }
        return result;
    }

    /** @return the largest {@code |x|} over {@code [start, start + len)}: infinite when one is, NaN when one is */
    public static double largestMagnitude(DirectFloatData x, int start, int len) {
        final Object xm = vectorMemory(x.memory);
        final int end = start + len;
        final int bound = len < MIN_VECTOR_VALUES ? start : start + FLOATS.loopBound(len);
        final int xBase = x.base;
        IntVector largest = IntVector.zero(INTS);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            largest = largest.max(VectorLoops.magnitudeBits(load(xm, xBase + i)));
        }
        double result = VectorLoops.largestOf(largest);
        for (; i < end; i++) {
            result = Math.max(result, Math.abs(get(x, i)));
        }
        return result;
    }

    /** {@code y = ((x - hi) - lo) * a + b} over {@code [start, start + len)}. */
    public static void normalize(DirectFloatData x, DirectFloatData y, int start, int len, float hi, float lo, float a, float b) {
        final Object xm = vectorMemory(x.memory), ym = vectorMemory(y.memory);
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        final int xBase = x.base, yBase = y.base;
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            store(load(xm, xBase + i).sub(vh).sub(vl).mul(va).add(vb), ym, yBase + i);
        }
        for (; i < end; i++) {
            put(y, i, ((get(x, i) - hi) - lo) * a + b);
        }
    }

    /**
     * {@code y[start + j] = ((x[start + j] - hi[j]) - lo[j]) * a[j] + b[j]} for {@code j < len}, measuring x as it
     * goes (free in a loop that waits on memory).
     *
     * @return the largest {@code |x|}: infinite when one is, NaN when one is
     */
    public static double normalizeTile(DirectFloatData x, DirectFloatData y, int start, int len, float[] hi, float[] lo,
                                float[] a, float[] b) {
        final Object xm = vectorMemory(x.memory), ym = vectorMemory(y.memory);
        final int bound = FLOATS.loopBound(len);
        final int xFrom = x.base + start, yFrom = y.base + start;
        IntVector largest = IntVector.zero(INTS);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = load(xm, xFrom + j);
            largest = largest.max(VectorLoops.magnitudeBits(v));
            FloatVector xc = v.sub(FloatVector.fromArray(FLOATS, hi, j)).sub(FloatVector.fromArray(FLOATS, lo, j));
            store(xc.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j)), ym, yFrom + j);
        }
        double result = VectorLoops.largestOf(largest);
        for (; j < len; j++) {
            final float v = get(x, start + j);
            result = Math.max(result, Math.abs(v));
            put(y, start + j, ((v - hi[j]) - lo[j]) * a[j] + b[j]);
        }
        return result;
    }

    /** {@code dx = k * dy + q * ((x - hi) - lo) + r} over {@code [start, start + len)}. */
    public static void gradApply(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len, float hi,
                          float lo, float k, float q, float r) {
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory), dm = vectorMemory(dx.memory);
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector vk = FloatVector.broadcast(FLOATS, k), vq = FloatVector.broadcast(FLOATS, q);
        final FloatVector vr = FloatVector.broadcast(FLOATS, r);
        final int xBase = x.base, gBase = dy.base, dBase = dx.base;
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector xc = load(xm, xBase + i).sub(vh).sub(vl);
            store(vk.mul(load(gm, gBase + i)).add(vq.mul(xc)).add(vr), dm, dBase + i);
        }
        for (; i < end; i++) {
            put(dx, i, k * get(dy, i) + q * ((get(x, i) - hi) - lo) + r);
        }
    }

    /** {@code dx[start + j] = k[j] * dy[start + j] + q[j] * ((x[start + j] - hi[j]) - lo[j]) + r[j]} for {@code j < len}. */
    public static void gradApplyTile(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len, float[] hi,
                              float[] lo, float[] k, float[] q, float[] r) {
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory), dm = vectorMemory(dx.memory);
        final int bound = FLOATS.loopBound(len);
        final int xFrom = x.base + start, gFrom = dy.base + start, dFrom = dx.base + start;
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xc = load(xm, xFrom + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector g = FloatVector.fromArray(FLOATS, k, j).mul(load(gm, gFrom + j));
            store(g.add(FloatVector.fromArray(FLOATS, q, j).mul(xc)).add(FloatVector.fromArray(FLOATS, r, j)), dm,
                    dFrom + j);
        }
        for (; j < len; j++) {
            put(dx, start + j, k[j] * get(dy, start + j) + q[j] * ((get(x, start + j) - hi[j]) - lo[j]) + r[j]);
        }
    }

    // --- with an activation (see LeakyRelu): the operations of VectorLoops' activated loops, in place

    /**
     * {@link #gradSums} with {@code g = gated(((x - hi) - lo) * a + b, dy)} in place of dy:
     * {@link VectorLoops#gatedGradSums(float[], float[], int, int, double, float, float, float, float, float, double[])}
     * on off-heap memory, bit for bit. Ranges too short for vectors are staged.
     */
    public static void gatedGradSums(DirectFloatData x, DirectFloatData dy, int start, int len, double mean, float hi,
                              float lo, float a, float b, float slope, double[] sums) {
        if (len < MIN_VECTOR_VALUES) {
            final int o = x.offset(start);
            Loops.CHOSEN.gatedGradSums(x.read(start, len, 0), dy.read(start, len, 1), o, o + len, mean, hi, lo, a, b,
                    slope, sums);
            return;
        }
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory);
        final int xFrom = x.base + start, gFrom = dy.base + start;
        final int bound = FLOATS.loopBound(len);
        final int whole = VectorLoops.wholeSecondHalvesBound(
                Math.min(x.memory.length() - xFrom, dy.memory.length() - gFrom), 0, bound);
        final DoubleVector m = DoubleVector.broadcast(DOUBLES, mean);
        final FloatVector vh = FloatVector.broadcast(FLOATS, hi), vl = FloatVector.broadcast(FLOATS, lo);
        final FloatVector va = FloatVector.broadcast(FLOATS, a), vb = FloatVector.broadcast(FLOATS, b);
        DoubleVector g0 = DoubleVector.zero(DOUBLES), g1 = g0, p0 = g0, p1 = g0, s0 = g0, s1 = g0;
        int j = 0;
        // Each x vector is loaded once for its gate and its deviation: C2 stopped inlining loads and stores in this
        // method when x was loaded twice.
        for (; j < whole; j += FLOATS.length()) {
            FloatVector xa = load(xm, xFrom + j), xb = load(xm, xFrom + j + HALF);
            DoubleVector ga = VectorLoops.gatedHalf(xa, load(gm, gFrom + j), vh, vl, va, vb, slope);
            DoubleVector gb = VectorLoops.gatedHalf(xb, load(gm, gFrom + j + HALF), vh, vl, va, vb, slope);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(VectorLoops.firstHalf(xa).sub(m), p0);
            p1 = gb.fma(VectorLoops.firstHalf(xb).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        // The last blocks (at the memory's end), lane by lane: the same values as a vector loop would add
        for (; j < bound; j += FLOATS.length()) {
            DoubleVector ga = gatedByLane(x, dy, start + j, hi, lo, a, b, slope);
            DoubleVector gb = gatedByLane(x, dy, start + j + HALF, hi, lo, a, b, slope);
            g0 = g0.add(ga);
            g1 = g1.add(gb);
            p0 = ga.fma(widenedByLane(x.memory, xFrom + j).sub(m), p0);
            p1 = gb.fma(widenedByLane(x.memory, xFrom + j + HALF).sub(m), p1);
            s0 = ga.fma(ga, s0);
            s1 = gb.fma(gb, s1);
        }
        double g = VectorLoops.sumOfLanes(g0.add(g1));
        double p = VectorLoops.sumOfLanes(p0.add(p1));
        double s = VectorLoops.sumOfLanes(s0.add(s1));
        for (; j < len; j++) {
            final float xv = get(x, start + j);
            final double d = LeakyRelu.gated(((xv - hi) - lo) * a + b, get(dy, start + j), slope);
            g += d;
            p += d * (xv - mean);
            s += d * d;
        }
        sums[0] += g;
        sums[1] += p;
        sums[2] += s;
    }

    /** @return the gated gradients of the {@link #HALF} values from {@code i}, lane by lane, widened */
    private static DoubleVector gatedByLane(DirectFloatData x, DirectFloatData dy, int i, float hi, float lo, float a,
                                            float b, float slope) {
        final double[] lanes = new double[HALF];
        for (int k = 0; k < HALF; k++) {
            lanes[k] = LeakyRelu.gated(((get(x, i + k) - hi) - lo) * a + b, get(dy, i + k), slope);
        }
        return DoubleVector.fromArray(DOUBLES, lanes, 0);
    }

    /**
     * {@code y = act(((x - hi) - lo) * a + b)} over {@code [start, start + len)}, measuring x as it goes.
     *
     * @return the largest {@code |x|}: infinite when one is, NaN when one is
     */
    public static double normalizeMeasuringActivated(DirectFloatData x, DirectFloatData y, int start, int len, float hi,
                                              float lo, float a, float b, float slope) {
        final Object xm = vectorMemory(x.memory), ym = vectorMemory(y.memory);
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final int xBase = x.base, yBase = y.base;
        IntVector largest = IntVector.zero(INTS);
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector v = load(xm, xBase + i);
            largest = largest.max(VectorLoops.magnitudeBits(v));
            store(VectorLoops.activated(v.sub(hi).sub(lo).mul(a).add(b), slope), ym, yBase + i);
        }
        double result = VectorLoops.largestOf(largest);
        for (; i < end; i++) {
            float v = get(x, i);
            result = Math.max(result, Math.abs(v));
            put(y, i, LeakyRelu.activated(((v - hi) - lo) * a + b, slope));
        }
        return result;
    }

    /**
     * {@code y[start + j] = act(((x[start + j] - hi[j]) - lo[j]) * a[j] + b[j])} for {@code j < len}, measuring x.
     *
     * @return the largest {@code |x|}: infinite when one is, NaN when one is
     */
    public static double normalizeActivatedTile(DirectFloatData x, DirectFloatData y, int start, int len, float[] hi,
                                         float[] lo, float[] a, float[] b, float slope) {
        final Object xm = vectorMemory(x.memory), ym = vectorMemory(y.memory);
        final int bound = FLOATS.loopBound(len);
        final int xFrom = x.base + start, yFrom = y.base + start;
        IntVector largest = IntVector.zero(INTS);
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector v = load(xm, xFrom + j);
            largest = largest.max(VectorLoops.magnitudeBits(v));
            FloatVector xc = v.sub(FloatVector.fromArray(FLOATS, hi, j)).sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector n = xc.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j));
            store(VectorLoops.activated(n, slope), ym, yFrom + j);
        }
        double result = VectorLoops.largestOf(largest);
        for (; j < len; j++) {
            final float v = get(x, start + j);
            result = Math.max(result, Math.abs(v));
            put(y, start + j, LeakyRelu.activated(((v - hi[j]) - lo[j]) * a[j] + b[j], slope));
        }
        return result;
    }

    /**
     * With {@code xc = (x - hi) - lo}: {@code dx = k * gated(xc * a + b, dy) + q * xc + r} over
     * {@code [start, start + len)}.
     */
    public static void gatedGradApply(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len, float hi,
                               float lo, float k, float q, float r, float a, float b, float slope) {
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory), dm = vectorMemory(dx.memory);
        final int end = start + len;
        final int bound = start + FLOATS.loopBound(len);
        final int xBase = x.base, gBase = dy.base, dBase = dx.base;
        int i = start;
        for (; i < bound; i += FLOATS.length()) {
            FloatVector xc = load(xm, xBase + i).sub(hi).sub(lo);
            FloatVector g = VectorLoops.gated(xc.mul(a).add(b), load(gm, gBase + i), slope);
            store(g.mul(k).add(xc.mul(q)).add(r), dm, dBase + i);
        }
        for (; i < end; i++) {
            final float xc = (get(x, i) - hi) - lo;
            put(dx, i, k * LeakyRelu.gated(xc * a + b, get(dy, i), slope) + q * xc + r);
        }
    }

    /** {@link #gatedGradApply} with per-value coefficients {@code [j]} for {@code j < len}. */
    public static void gatedGradApplyTile(DirectFloatData x, DirectFloatData dy, DirectFloatData dx, int start, int len,
                                   float[] hi, float[] lo, float[] k, float[] q, float[] r, float[] a, float[] b,
                                   float slope) {
        final Object xm = vectorMemory(x.memory), gm = vectorMemory(dy.memory), dm = vectorMemory(dx.memory);
        final int bound = FLOATS.loopBound(len);
        final int xFrom = x.base + start, gFrom = dy.base + start, dFrom = dx.base + start;
        int j = 0;
        for (; j < bound; j += FLOATS.length()) {
            FloatVector xc = load(xm, xFrom + j).sub(FloatVector.fromArray(FLOATS, hi, j))
                    .sub(FloatVector.fromArray(FLOATS, lo, j));
            FloatVector v = xc.mul(FloatVector.fromArray(FLOATS, a, j)).add(FloatVector.fromArray(FLOATS, b, j));
            FloatVector g = VectorLoops.gated(v, load(gm, gFrom + j), slope);
            store(FloatVector.fromArray(FLOATS, k, j).mul(g).add(FloatVector.fromArray(FLOATS, q, j).mul(xc))
                    .add(FloatVector.fromArray(FLOATS, r, j)), dm, dFrom + j);
        }
        for (; j < len; j++) {
            final float xc = (get(x, start + j) - hi[j]) - lo[j];
            put(dx, start + j, k[j] * LeakyRelu.gated(xc * a[j] + b[j], get(dy, start + j), slope) + q[j] * xc + r[j]);
        }
    }
}
