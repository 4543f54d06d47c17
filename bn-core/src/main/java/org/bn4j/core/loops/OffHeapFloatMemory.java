package org.bn4j.core.loops;

import static org.bn4j.core.loops.Lanes.DOUBLES;
import static org.bn4j.core.loops.Lanes.FLOATS;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bn4j.core.storage.DirectFloats;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * How {@code DirectFloatVectorLoops} reaches floats in off-heap memory ({@link DirectFloats}), in place: the methods
 * of {@link FloatArrayMemory}, over that memory.
 *
 * <p>The Vector API reaches off-heap memory through {@code ByteBuffer}s on JDK 17 to 19 and through
 * {@code java.lang.foreign.MemorySegment}s from JDK 20 on; neither method exists on both. The {@code ByteBuffer}
 * methods are called directly (linked only when they run) and the {@code MemorySegment} ones through method handles
 * typed over {@code Object}, looked up once, so one class file runs on every JDK.
 *
 * <p>The loops take the memory into a local first ({@link #vectorMemory}): on JDK 17 a vector store into a
 * {@code ByteBuffer} is a store to raw memory, after which C2 reloads every field the loop reads.
 */
final class OffHeapFloatMemory {
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();
    /**
     * Whether this JDK reaches off-heap memory through {@code MemorySegment}s (JDK 20 on). A direct call costs C2 fewer
     * nodes than a method handle, so the {@code ByteBuffer} route of JDK 17 to 19 calls its methods directly.
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
                    jdk.incubator.vector.VectorSpecies.class, segment, long.class, ByteOrder.class));
            store = lookup.findVirtual(FloatVector.class, "intoMemorySegment",
                    MethodType.methodType(void.class, segment, long.class, ByteOrder.class));
            memory = MethodHandles.explicitCastArguments(memory, MethodType.methodType(Object.class, ByteBuffer.class));
            load = MethodHandles.explicitCastArguments(load, MethodType.methodType(FloatVector.class,
                    jdk.incubator.vector.VectorSpecies.class, Object.class, long.class, ByteOrder.class));
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

    private OffHeapFloatMemory() {
    }

    /** @return the memory in the form {@link #load} and {@link #store} take, made once per {@link DirectFloats} */
    static Object vectorMemory(DirectFloats x) {
        Object memory = x.vectorMemory();
        if (memory == null) {
            memory = SEGMENTS ? segmentOf(x.bytes) : x.bytes;
            x.cacheVectorMemory(memory);
        }
        return memory;
    }

    private static Object segmentOf(ByteBuffer bytes) {
        try {
            return (Object) MEMORY.invokeExact(bytes);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    static int length(DirectFloats x) {
        return x.length();
    }

    // load and store stay under C1's and C2's size limit for inlining any call (35 bytes): a call that is not inlined
    // boxes its vectors.

    static FloatVector load(Object memory, int i) {
        return SEGMENTS ? loadFromSegment(memory, i)
                : FloatVector.fromByteBuffer(FLOATS, (ByteBuffer) memory, i * Float.BYTES, ORDER);
    }

    private static FloatVector loadFromSegment(Object memory, int i) {
        try {
            return (FloatVector) LOAD.invokeExact(FLOATS, memory, (long) i * Float.BYTES, ORDER);
        } catch (Throwable e) {
            throw rethrown(e);
        }
    }

    static void store(FloatVector v, Object memory, int i) {
        if (SEGMENTS) {
            storeToSegment(v, memory, i);
        } else {
            v.intoByteBuffer((ByteBuffer) memory, i * Float.BYTES, ORDER);
        }
    }

    private static void storeToSegment(FloatVector v, Object memory, int i) {
        try {
            STORE.invokeExact(v, memory, (long) i * Float.BYTES, ORDER);
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

    /** As {@link FloatArrayMemory#widened}: the first half of the whole float vector from {@code i}. */
    static DoubleVector widened(Object memory, int i) {
        return (DoubleVector) load(memory, i).convertShape(VectorOperators.F2D, DOUBLES, 0);
    }

    static float get(DirectFloats x, int i) {
        return x.bytes.getFloat(i * Float.BYTES);
    }

    static void put(DirectFloats x, int i, float v) {
        x.bytes.putFloat(i * Float.BYTES, v);
    }

    /** As {@link FloatArrayMemory#padded}. */
    static float[] padded(DirectFloats x, int from, int to, int slot) {
        final float[] copy = PaddedRuns.COPIES.get(slot, to - from + FLOATS.length());
        x.read(from, copy, to - from);
        return copy;
    }

    /** @return floats {@code [from, to)} in an array, at {@link #stagedOffset}: {@link #padded}'s copy */
    static float[] staged(DirectFloats x, int from, int to, int slot) {
        return padded(x, from, to, slot);
    }

    /** @return where {@link #staged} puts the float at {@code from} */
    static int stagedOffset(int from) {
        return 0;
    }
}
