package org.bn4j.core;

/**
 * Where the feature (channel) axis sits in a dense, row-major tensor. Batch normalization keeps one
 * mean, variance, gamma and beta per channel and reduces over every other axis (the paper's
 * per-feature-map rule for convolutions).
 *
 * <p>The batch axis is always first. Letters name the axes in memory order, outermost first:
 * {@code N} batch, {@code C} channels, {@code W}/{@code T} width or time, {@code H} height, {@code D} depth.
 */
public enum Layout {
    /** {@code [N, C]}: dense-layer activations. */
    NC(1, "N", "C"),
    /** {@code [N, C, W]}: sequences, channels first (DL4J's {@code RNNFormat.NCW}). */
    NCW(1, "N", "C", "W"),
    /** {@code [N, W, C]}: sequences, channels last (DL4J's {@code RNNFormat.NWC}). */
    NWC(2, "N", "W", "C"),
    /** {@code [N, C, H, W]}: images, channels first. */
    NCHW(1, "N", "C", "H", "W"),
    /** {@code [N, H, W, C]}: images, channels last. */
    NHWC(3, "N", "H", "W", "C"),
    /** {@code [N, C, D, H, W]}: volumes, channels first. */
    NCDHW(1, "N", "C", "D", "H", "W"),
    /** {@code [N, D, H, W, C]}: volumes, channels last. */
    NDHWC(4, "N", "D", "H", "W", "C");

    private final int channelAxis;
    private final String[] axisNames;

    Layout(int channelAxis, String... axisNames) {
        this.channelAxis = channelAxis;
        this.axisNames = axisNames;
    }

    /** @return the number of dimensions a tensor in this layout has */
    public int rank() {
        return axisNames.length;
    }

    /** @return the index of the channel axis, 1 for channels-first layouts, {@code rank() - 1} for channels-last */
    public int channelAxis() {
        return channelAxis;
    }

    /** @return true when channels are the innermost (fastest-varying) axis; {@link #NC} counts as channels-last */
    public boolean isChannelsLast() {
        return channelAxis == rank() - 1;
    }

    /** @return the axes as a readable pattern, for example {@code [N, C, H, W]} */
    public String axes() {
        return "[" + String.join(", ", axisNames) + "]";
    }
}
