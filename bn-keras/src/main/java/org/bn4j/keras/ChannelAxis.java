package org.bn4j.keras;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;

/**
 * The input of a Keras BN as bn4j reads it: the array's axes are those DL4J's input type describes (DL4J's importer
 * keeps Keras' layouts, so they are the Keras tensor's), and Keras' {@code axis} says which of them holds the
 * channels. The input type is relabelled when its data format disagrees with that axis, as after an {@code Input}
 * of a channels-first model, which DL4J labels channels-last.
 */
final class ChannelAxis {
    private final InputType inputType;
    private final long channels;

    private ChannelAxis(InputType inputType, long channels) {
        this.inputType = inputType;
        this.channels = channels;
    }

    /**
     * @param layer     the Keras layer's name, for messages
     * @param axis      Keras' axis, negative counting from the end
     * @param inputType DL4J's input type of the layer
     * @throws UnsupportedKerasConfigurationException naming the layer and the axis, when the axis is the batch axis,
     *         outside the rank, or not a channel axis of any data format bn4j's BatchNorm reads
     */
    static ChannelAxis resolve(String layer, int axis, InputType inputType)
            throws UnsupportedKerasConfigurationException {
        long[] dims = arrayShape(layer, inputType);
        int rank = dims.length;
        int position = axis < 0 ? axis + rank : axis;
        if (position <= 0 || position >= rank) {
            throw new UnsupportedBatchNormException("Keras BatchNormalization layer \"" + layer + "\": axis "
                    + axis + (position == 0 ? " is the batch axis" : " is outside the input's rank " + rank)
                    + "; bn4j normalizes over one channel axis, 1 to " + (rank - 1));
        }
        boolean first = position == 1;
        boolean last = position == rank - 1;
        switch (rank) {
            case 2:
                return new ChannelAxis(InputType.feedForward(dims[1]), dims[1]);
            case 3:
                return first ? new ChannelAxis(InputType.recurrent(dims[1], dims[2], RNNFormat.NCW), dims[1])
                        : new ChannelAxis(InputType.recurrent(dims[2], dims[1], RNNFormat.NWC), dims[2]);
            case 4:
                if (first) {
                    return new ChannelAxis(InputType.convolutional(dims[2], dims[3], dims[1], CNN2DFormat.NCHW),
                            dims[1]);
                }
                if (last) {
                    return new ChannelAxis(InputType.convolutional(dims[1], dims[2], dims[3], CNN2DFormat.NHWC),
                            dims[3]);
                }
                break;
            case 5:
                if (first) {
                    return new ChannelAxis(InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, dims[2], dims[3],
                            dims[4], dims[1]), dims[1]);
                }
                if (last) {
                    return new ChannelAxis(InputType.convolutional3D(Convolution3D.DataFormat.NDHWC, dims[1], dims[2],
                            dims[3], dims[4]), dims[4]);
                }
                break;
            default:
                break;
        }
        throw new UnsupportedBatchNormException("Keras BatchNormalization layer \"" + layer + "\": axis "
                + axis + " of a rank-" + rank + " input is a spatial axis; bn4j normalizes over the channel axis, "
                + "the first (channels-first) or the last (channels-last) after the batch axis");
    }

    /** @return the array's shape, batch axis first (its size unknown, 0), as the input type lays it out */
    private static long[] arrayShape(String layer, InputType type) throws UnsupportedKerasConfigurationException {
        switch (type.getType()) {
            case FF:
                return new long[] {0, ((InputType.InputTypeFeedForward) type).getSize()};
            case RNN:
                InputType.InputTypeRecurrent rnn = (InputType.InputTypeRecurrent) type;
                return rnn.getFormat() == RNNFormat.NCW ? new long[] {0, rnn.getSize(), rnn.getTimeSeriesLength()}
                        : new long[] {0, rnn.getTimeSeriesLength(), rnn.getSize()};
            case CNN:
                InputType.InputTypeConvolutional cnn = (InputType.InputTypeConvolutional) type;
                return cnn.getFormat() == CNN2DFormat.NCHW
                        ? new long[] {0, cnn.getChannels(), cnn.getHeight(), cnn.getWidth()}
                        : new long[] {0, cnn.getHeight(), cnn.getWidth(), cnn.getChannels()};
            case CNN3D:
                InputType.InputTypeConvolutional3D v = (InputType.InputTypeConvolutional3D) type;
                return v.getDataFormat() == Convolution3D.DataFormat.NCDHW
                        ? new long[] {0, v.getChannels(), v.getDepth(), v.getHeight(), v.getWidth()}
                        : new long[] {0, v.getDepth(), v.getHeight(), v.getWidth(), v.getChannels()};
            default:
                throw new UnsupportedBatchNormException("Keras BatchNormalization layer \"" + layer
                        + "\": DL4J gives it input of type " + type + ", which bn4j's importer does not map");
        }
    }

    /** @return the input type in the data format whose channel axis is Keras' axis */
    InputType inputType() {
        return inputType;
    }

    long channels() {
        return channels;
    }
}
