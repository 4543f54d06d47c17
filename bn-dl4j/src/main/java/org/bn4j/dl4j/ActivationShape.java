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
     * @param config supplies the formats and the expected channel count ({@code nOut})
     * @param where  names the layer in error messages
     * @throws IllegalArgumentException for a rank other than 2 to 5, or a channel count other than {@code nOut}
     */
    static Shape of(long[] dims, BatchNorm config, String where) {
        Layout layout = layoutFor(dims.length, config, where);
        int[] intDims = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(where + ": dimension " + i + " of " + Arrays.toString(dims) + " is too large");
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
                throw new IllegalArgumentException(where + ": takes input of rank 2 [N, C], 3 (sequences), 4 (images) or "
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
