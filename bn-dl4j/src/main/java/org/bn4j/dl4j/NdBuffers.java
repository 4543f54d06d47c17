package org.bn4j.dl4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import org.bn4j.core.Values;
import org.bytedeco.javacpp.BytePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct NIO buffers over ND4J's off-heap memory, so bn-core reads and writes ND4J arrays in place.
 *
 * <p>An array that is row-major contiguous and of the wanted type is used as it is; any other (a strided view,
 * an 'f'-order array, another data type) is first copied by ND4J into a row-major array of that type, in ND4J
 * memory, never on the Java heap. A buffer is only valid while its array is: callers use it within one call.
 *
 * <p>Every host access of bn-dl4j goes through here, and from here through {@link HostMemory}: each buffer is taken
 * after bringing its array to the host; {@link #write} marks what it wrote, and a caller that lets bn-core write
 * through {@link #directFloats} or {@link #doubles} calls {@link #written} before ND4J or DL4J next use the array.
 */
final class NdBuffers {
    private static volatile HostMemory host = Nd4jHostMemory.INSTANCE;

    private NdBuffers() {
    }

    /**
     * Replaces how arrays are reached from the host, for tests that check the order of the calls.
     *
     * @return the implementation it replaced
     */
    static HostMemory useHostMemory(HostMemory memory) {
        HostMemory previous = host;
        host = memory;
        return previous;
    }

    /** @return {@code a} itself if bn-core can use its memory directly, else a row-major copy of type {@code type} */
    static INDArray usable(INDArray a, DataType type) {
        return a.dataType() == type && isRowMajorContiguous(a) ? a : a.castTo(type).dup('c');
    }

    /** Marks {@code a}, written by bn-core through {@link #directFloats} or {@link #doubles}, as host-written. */
    static void written(INDArray a) {
        host.written(a);
    }

    /** @return the off-heap memory of {@code a}, which must be {@link #usable} as FLOAT, for bn-core to use in place */
    static Values directFloats(INDArray a) {
        return Values.ofDirectFloats(bytes(a));
    }

    /** @return a direct buffer over the values of {@code a}, which must be {@link #usable} as DOUBLE */
    static DoubleBuffer doubles(INDArray a) {
        return bytes(a).asDoubleBuffer();
    }

    /**
     * Writes {@code values} into {@code a} (a float or double array, such as a gradient view) in row-major order: in
     * place when its memory is one run, else through ND4J (one call: a call per value would cost more than BN itself on
     * small layers).
     */
    static INDArray write(INDArray a, double[] values) {
        if (!isFloatingRun(a)) {
            return a.assign(Nd4j.createFromArray(values).reshape('c', a.shape()));
        }
        ByteBuffer memory = bytes(a);
        for (int i = 0; i < values.length; i++) {
            if (a.dataType() == DataType.FLOAT) {
                memory.putFloat(i * Float.BYTES, (float) values[i]);
            } else {
                memory.putDouble(i * Double.BYTES, values[i]);
            }
        }
        host.written(a);
        return a;
    }

    /**
     * @return the values of {@code a} (such as a parameter view) in row-major order, widened to double: read from its
     * memory when that is one run of floats or doubles, else from a row-major double copy. Reading a parameter
     * through a copy creates an array, which costs more than BN itself on small layers.
     */
    static double[] read(INDArray a) {
        return readRun(isFloatingRun(a) ? a : usable(a, DataType.DOUBLE));
    }

    private static double[] readRun(INDArray a) {
        ByteBuffer memory = bytes(a);
        double[] values = new double[(int) a.length()];
        for (int i = 0; i < values.length; i++) {
            values[i] = a.dataType() == DataType.FLOAT ? memory.getFloat(i * Float.BYTES)
                    : memory.getDouble(i * Double.BYTES);
        }
        return values;
    }

    /** Float or double values in one run of memory: what {@link #read} and {@link #write} reach in place. */
    private static boolean isFloatingRun(INDArray a) {
        return (a.dataType() == DataType.FLOAT || a.dataType() == DataType.DOUBLE) && isRowMajorContiguous(a);
    }

    /**
     * The bytes of {@code a}'s values, in the platform's order, current on the host; {@code a} must be row-major
     * contiguous.
     */
    private static ByteBuffer bytes(INDArray a) {
        host.toHost(a);
        BytePointer pointer = new BytePointer(host.pointer(a));
        long length = a.length() * a.dataType().width();
        return pointer.position(0).limit(length).asByteBuffer().order(ByteOrder.nativeOrder());
    }

    /** Row-major with unit innermost stride and no gaps: the values are one run of memory in index order. */
    static boolean isRowMajorContiguous(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            if (shape[axis] != 1 && stride[axis] != expected) {
                return false;
            }
            expected *= shape[axis];
        }
        return a.data().length() >= a.length();
    }
}
