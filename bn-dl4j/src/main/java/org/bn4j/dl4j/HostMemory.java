package org.bn4j.dl4j;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one way bn4j reaches an ND4J array's memory from the JVM, for bn-core to compute in it or to read and write
 * per-channel values; {@link NdBuffers} is its only caller.
 *
 * <p>On DL4J's CPU backend an array's memory is host memory and {@link #toHost} and {@link #written} do nothing. On a
 * GPU backend an array lives on the device, with a host copy that may be missing or stale, and ND4J's next op reads
 * the device copy unless told that the host wrote. So, for every access:
 * <ol>
 *   <li>{@link #toHost} right before {@link #pointer}, every time: the host copy may have gone stale, or moved;</li>
 *   <li>read or write through the pointer within the same call, never keeping it;</li>
 *   <li>after writing, {@link #written} before any ND4J op reads the array, and before DL4J gets it back.</li>
 * </ol>
 * Both calls act on the array's whole buffer: a parameter or gradient view is brought to the host with the other
 * layers' values around it before being written, so that marking it written does not overwrite their device values
 * with stale ones.
 */
interface HostMemory {
    /** Makes the host copy of {@code a}'s whole buffer current (ND4J: {@code ensureLocation(a, HOST)}). */
    void toHost(INDArray a);

    /** @return the host address of {@code a}'s first value; valid until ND4J next touches {@code a} */
    Pointer pointer(INDArray a);

    /** Marks {@code a}'s buffer as written on the host (ND4J: {@code tagLocation(a, HOST)}). */
    void written(INDArray a);
}
