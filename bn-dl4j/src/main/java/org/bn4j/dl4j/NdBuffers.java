package org.bn4j.dl4j;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct NIO buffers over ND4J's off-heap memory, so bn-core reads and writes ND4J arrays in place.
 *
 * <p>An array that is row-major contiguous and of the wanted type is used as it is; any other (a strided view,
 * an 'f'-order array, another data type) is first copied by ND4J into a row-major array of that type, in ND4J
 * memory, never on the Java heap. A buffer is only valid while its array is: callers use it within one call.
 */
final class NdBuffers {
    private NdBuffers() {
    }

    /** @return {@code a} itself if bn-core can use its memory directly, else a row-major copy of type {@code type} */
    static INDArray usable(INDArray a, DataType type) {
        return a.dataType() == type && isRowMajorContiguous(a) ? a : a.castTo(type).dup('c');
    }

    /** @return a direct buffer over the values of {@code a}, which must be {@link #usable} as FLOAT */
    static FloatBuffer floats(INDArray a) {
        FloatPointer pointer = new FloatPointer(a.data().addressPointer());
        return pointer.position(0).limit(a.length()).asBuffer();
    }

    /** @return a direct buffer over the values of {@code a}, which must be {@link #usable} as DOUBLE */
    static DoubleBuffer doubles(INDArray a) {
        DoublePointer pointer = new DoublePointer(a.data().addressPointer());
        return pointer.position(0).limit(a.length()).asBuffer();
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
