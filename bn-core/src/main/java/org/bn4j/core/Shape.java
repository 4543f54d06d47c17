package org.bn4j.core;

import java.util.Arrays;
import org.bn4j.core.kernel.Dims;

/**
 * The dimensions of a dense, contiguous, row-major tensor together with its {@link Layout}.
 * Immutable; validated on construction.
 *
 * <p>Batch normalization sees any shape as {@code batch x channels x spatial}: {@link #spatial()} is
 * the product of every axis other than batch and channels (1 for {@link Layout#NC}), and each channel
 * is normalized over {@link #valuesPerChannel()} = {@code batch * spatial} values.
 */
public final class Shape {
    private final Layout layout;
    private final int[] dims;
    private final int batch;
    private final int channels;
    private final int spatial;

    private Shape(Layout layout, int[] dims) {
        this.layout = layout;
        this.dims = dims;
        this.batch = dims[0];
        this.channels = dims[layout.channelAxis()];
        long spatialProduct = 1;
        for (int axis = 1; axis < dims.length; axis++) {
            if (axis != layout.channelAxis()) {
                spatialProduct *= dims[axis];
            }
        }
        long size = (long) batch * channels * spatialProduct;
        // Java arrays are int-indexed; keep the JDK's array-header headroom.
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + this + " has " + size
                    + " elements, more than a Java array can hold (" + (Integer.MAX_VALUE - 8) + ")");
        }
        this.spatial = (int) spatialProduct;
    }

    /**
     * @param layout where the channel axis is
     * @param dims   one positive size per axis of {@code layout}, batch first
     * @return the validated shape
     * @throws IllegalArgumentException if the number of dimensions does not match the layout's rank, a
     *                                  dimension is not positive, or the tensor would exceed an array
     */
    public static Shape of(Layout layout, int... dims) {
        if (layout == null) {
            throw new IllegalArgumentException("layout must not be null");
        }
        if (dims == null || dims.length != layout.rank()) {
            throw new IllegalArgumentException("layout " + layout + " needs " + layout.rank() + " dimensions "
                    + layout.axes() + " but got "
                    + (dims == null ? "null" : dims.length + ": " + Arrays.toString(dims)));
        }
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis] < 1) {
                throw new IllegalArgumentException("dimension " + axis + " of " + layout + Arrays.toString(dims)
                        + " must be at least 1");
            }
        }
        return new Shape(layout, dims.clone());
    }

    public Layout layout() {
        return layout;
    }

    /** @return a copy of the dimensions, batch first */
    public int[] dims() {
        return dims.clone();
    }

    /** @return the size of the batch axis, {@code N} */
    public int batch() {
        return batch;
    }

    /** @return the size of the channel axis, {@code C} */
    public int channels() {
        return channels;
    }

    /** @return the product of all axes other than batch and channels; 1 for {@link Layout#NC} */
    public int spatial() {
        return spatial;
    }

    /** @return {@code batch * spatial}: the number of values each channel's statistics run over */
    public long valuesPerChannel() {
        return (long) batch * spatial;
    }

    /** @return the total number of elements, {@code batch * channels * spatial} */
    public int size() {
        return batch * channels * spatial;
    }

    /**
     * @param batch a batch size, &gt;= 1
     * @return this shape with another batch size: the shape of a run of consecutive examples
     */
    /** @return the extent as the kernels take it */
    Dims kernelDims() {
        return new Dims(batch, channels, spatial, layout.isChannelsLast());
    }

    public Shape withBatch(int batch) {
        int[] d = dims.clone();
        d[0] = batch;
        return of(layout, d);
    }

    /**
     * @param index a flat (row-major) element index, in {@code [0, size())}
     * @return the channel that element belongs to
     */
    public int channelOf(int index) {
        return layout.isChannelsLast() ? index % channels : (index / spatial) % channels;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && layout == other.layout && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return 31 * layout.hashCode() + Arrays.hashCode(dims);
    }

    /** @return for example {@code NCHW[32, 64, 56, 56]} */
    @Override
    public String toString() {
        return layout + Arrays.toString(dims);
    }
}
