package org.bn4j.core.kernel;

/**
 * A tensor's extent as the kernels see it: {@code batch} examples of {@code channels} channels of {@code spatial}
 * values each, channels-last (rows of C values) or channels-first (planes of {@code spatial} values).
 */
public record Dims(int batch, int channels, int spatial, boolean channelsLast) {
    /** @return the number of values */
    public int size() {
        return batch * channels * spatial;
    }
}
