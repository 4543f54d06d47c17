package org.bn4j.dl4j;

import java.util.Arrays;
import org.bn4j.core.Layout;
import org.bn4j.core.Shape;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution3D;

/** Reads the bn-core {@link Shape} of a DL4J activation array: the rank picks the input kind, the config its format. */
final class ActivationShape {
    private ActivationShape() {
    }

    /**
     * @param dims   the array's shape, batch first
     * @param config supplies the formats, the expected channel count ({@code nOut}) and the sizes the input type
     *               promised ({@link BatchNorm#getInputTypeSpatial()})
     * @param where  names the layer in error messages
     * @throws IllegalArgumentException for a rank other than 2 to 5, a channel count other than {@code nOut}, or an
     *                                  image or volume laid out in the other data format than the configured one
     */
    static Shape of(long[] dims, BatchNorm config, String where) {
        Layout layout = layoutFor(dims.length, config, where);
        checkNotInTheOtherFormat(dims, layout, config, where);
        int[] intDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        where + ": dimension " + i + " of " + Arrays.toString(dims) + " is too large");
            }
            intDims[i] = (int) dims[i];
        }
        Shape shape;
        try {
            shape = Shape.of(layout, intDims);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
        if (shape.channels() != config.getNOut()) {
            throw new IllegalArgumentException(where + ": input " + shape + " has " + shape.channels()
                    + " channels on axis " + layout.channelAxis() + " " + layout.axes() + ", but the layer has nOut = "
                    + config.getNOut() + " (check the data format: " + formatHint(dims.length) + ")");
        }
        return shape;
    }

    /**
     * An image or volume whose axes are the input type's sizes in the other data format's order, and not in the
     * configured one, was written in the other format; reading it as configured would normalize over a spatial axis
     * (silently so when that axis has as many entries as there are channels). Sequences are not checked: their length
     * varies from batch to batch, so the input type does not fix it.
     */
    private static void checkNotInTheOtherFormat(long[] dims, Layout layout, BatchNorm config, String where) {
        long[] spatial = config.getInputTypeSpatial();
        if (spatial == null || dims.length < 4 || dims.length != spatial.length + 2) {
            return;
        }
        Layout other = otherFormat(layout);
        if (!Arrays.equals(dims, arrangement(layout, dims[0], config.getNOut(), spatial))
                && Arrays.equals(dims, arrangement(other, dims[0], config.getNOut(), spatial))) {
            String option = dims.length == 4 ? "dataFormat" : "cnn3DDataFormat";
            throw new IllegalArgumentException(where + ": input " + Arrays.toString(dims) + " holds the sizes the "
                    + "input type gave (" + config.getNOut() + " channels, spatial " + Arrays.toString(spatial)
                    + ") in " + other + " order " + other.axes() + ", but the layer reads " + layout + " "
                    + layout.axes() + ": set " + option + "(" + other + ") on this layer"
                    + (dims.length == 5 ? " (DL4J 1.0.0-M2.1 reports a Convolution3D's output in Truncate mode as "
                            + "NDHWC, whatever its data format)" : ""));
        }
    }

    /** @return {@code [n, c, spatial...]} or {@code [n, spatial..., c]}, as the layout puts its channels */
    private static long[] arrangement(Layout layout, long n, long c, long[] spatial) {
        long[] dims = new long[spatial.length + 2];
        dims[0] = n;
        int first = layout.isChannelsLast() ? 1 : 2;
        System.arraycopy(spatial, 0, dims, first, spatial.length);
        dims[layout.channelAxis()] = c;
        return dims;
    }

    private static Layout otherFormat(Layout layout) {
        switch (layout) {
            case NCHW:
                return Layout.NHWC;
            case NHWC:
                return Layout.NCHW;
            case NCDHW:
                return Layout.NDHWC;
            case NDHWC:
                return Layout.NCDHW;
            default:
                throw new IllegalArgumentException(layout + " has no other image or volume format");
        }
    }

    private static Layout layoutFor(int rank, BatchNorm config, String where) {
        switch (rank) {
            case 2:
                return Layout.NC;
            case 3:
                return config.getRnnFormat() == RNNFormat.NWC ? Layout.NWC : Layout.NCW;
            case 4:
                return config.getCnn2DFormat() == CNN2DFormat.NHWC ? Layout.NHWC : Layout.NCHW;
            case 5:
                return config.getCnn3DFormat() == Convolution3D.DataFormat.NDHWC ? Layout.NDHWC : Layout.NCDHW;
            default:
                throw new IllegalArgumentException(
                        where + ": takes input of rank 2 [N, C], 3 (sequences), 4 (images) or "
                                + "5 (volumes), but got rank " + rank);
        }
    }

    private static String formatHint(int rank) {
        switch (rank) {
            case 3:
                return "rnnDataFormat, NCW or NWC";
            case 4:
                return "dataFormat, NCHW or NHWC";
            case 5:
                return "cnn3DDataFormat, NCDHW or NDHWC";
            default:
                return "[N, C] input";
        }
    }
}
