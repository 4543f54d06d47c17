package org.bn4j.dl4j;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Convolution3D.DataFormat;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Every kind of input the layer takes, each with a small network around it: a linear layer without bias
 * before BN (as the paper places it), BN, a nonlinearity, and an output layer.
 */
enum InputKind {
    FEED_FORWARD(InputType.feedForward(4), new long[] {6, 4}, 3), CNN_NCHW(
            InputType.convolutional(5, 4, 2, CNN2DFormat.NCHW), new long[] {3, 2, 5, 4},
            3), CNN_NHWC(InputType.convolutional(5, 4, 2, CNN2DFormat.NHWC), new long[] {3, 5, 4, 2}, 3), RNN_NCW(
                    InputType.recurrent(3, 4, RNNFormat.NCW), new long[] {3, 3, 4},
                    4), RNN_NWC(InputType.recurrent(3, 4, RNNFormat.NWC), new long[] {3, 4, 3}, 4), CNN3D_NCDHW(
                            InputType.convolutional3D(DataFormat.NCDHW, 3, 3, 3, 2), new long[] {2, 2, 3, 3, 3},
                            3), CNN3D_NDHWC(InputType.convolutional3D(DataFormat.NDHWC, 3, 3, 3, 2),
                                    new long[] {2, 3, 3, 3, 2}, 3);

    final InputType inputType;
    final long[] inputShape;
    /** Channels BN normalizes: the output size of the linear layer before it. */
    final int channels;

    InputKind(InputType inputType, long[] inputShape, int channels) {
        this.inputType = inputType;
        this.inputShape = inputShape;
        this.channels = channels;
    }

    /** The linear layer that feeds BN, without bias: BN's beta takes its place. */
    Layer linear() {
        switch (this) {
            case FEED_FORWARD:
                return new DenseLayer.Builder().nOut(channels).hasBias(false).activation(Activation.IDENTITY).build();
            case CNN_NCHW:
            case CNN_NHWC:
                return new ConvolutionLayer.Builder(2, 2).nOut(channels).hasBias(false).activation(Activation.IDENTITY)
                        .dataFormat(this == CNN_NHWC ? CNN2DFormat.NHWC : CNN2DFormat.NCHW).build();
            case RNN_NCW:
            case RNN_NWC:
                return new SimpleRnn.Builder().nOut(channels).activation(Activation.IDENTITY)
                        .dataFormat(this == RNN_NWC ? RNNFormat.NWC : RNNFormat.NCW).build();
            default:
                // Same mode: in Truncate mode DL4J 1.0.0-M2.1 reports NDHWC output whatever the data format
                return new Convolution3D.Builder(2, 2, 2).nOut(channels).hasBias(false).activation(Activation.IDENTITY)
                        .convolutionMode(ConvolutionMode.Same)
                        .dataFormat(this == CNN3D_NDHWC ? DataFormat.NDHWC : DataFormat.NCDHW).build();
        }
    }

    /** Reduces to per-example outputs where needed, then classifies into 2 classes. */
    Layer[] head() {
        switch (this) {
            case FEED_FORWARD:
            case CNN3D_NCDHW:   // DL4J's GlobalPoolingLayer pools 5-D input over the wrong axes; flatten instead
            case CNN3D_NDHWC:
                return new Layer[] {output()};
            case RNN_NCW:
            case RNN_NWC:
                return new Layer[] {new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).dataFormat(this == RNN_NWC ? RNNFormat.NWC : RNNFormat.NCW)
                        .build()};
            default:
                return new Layer[] {new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), output()};
        }
    }

    private static Layer output() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                .build();
    }

    INDArray features(DataType type, long seed) {
        return TestArrays.uniform(type, seed, -1.5, 2.5, inputShape);
    }

    /** One-hot labels for the head's output: [N, 2], or [N, 2, T] / [N, T, 2] for sequences. */
    INDArray labels(DataType type, long seed) {
        long n = inputShape[0];
        java.util.Random random = new java.util.Random(seed);
        if (this == RNN_NCW || this == RNN_NWC) {
            long t = 4;
            INDArray labels = Nd4j.zeros(type, n, 2, t);
            for (int i = 0; i < n; i++) {
                for (int s = 0; s < t; s++) {
                    labels.putScalar(new long[] {i, random.nextInt(2), s}, 1.0);
                }
            }
            return this == RNN_NWC ? labels.permute(0, 2, 1).dup('c') : labels;
        }
        INDArray labels = Nd4j.zeros(type, n, 2);
        for (int i = 0; i < n; i++) {
            labels.putScalar(i, random.nextInt(2), 1.0);
        }
        return labels;
    }
}
