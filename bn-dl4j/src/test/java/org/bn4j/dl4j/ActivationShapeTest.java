package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bn4j.core.Layout;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.Convolution3D.DataFormat;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** How the layer reads the layout of an activation array, and when it refuses one laid out in the other format. */
@DisplayName("An activation's layout")
class ActivationShapeTest {
    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** A layer configured as setInputType would configure it. */
    private static BatchNorm after(InputType inputType) {
        BatchNorm bn = new BatchNorm.Builder().name("bn").build();
        bn.setNIn(inputType, true);
        return bn;
    }

    private static IllegalArgumentException refused(long[] dims, BatchNorm bn) {
        return assertThrows(IllegalArgumentException.class,
                () -> ActivationShape.of(dims, bn, "BatchNorm layer \"bn\""));
    }

    @Nested
    @DisplayName("after Convolution3D in Truncate mode (NCDHW data, NDHWC input type)")
    class AfterConvolution3D {
        /** Input [2, 2, 5, 6, 4] through a 2x2x2 kernel: output [2, 3, 4, 5, 3], whose last size equals the channels. */
        private MultiLayerNetwork network(BatchNorm bn) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).list()
                    .layer(new Convolution3D.Builder(2, 2, 2).nOut(3).dataFormat(DataFormat.NCDHW)
                            .activation(Activation.IDENTITY).build())
                    .layer(bn)
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                            .activation(Activation.IDENTITY).build())
                    .setInputType(InputType.convolutional3D(DataFormat.NCDHW, 5, 6, 4, 2)).build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            return net;
        }

        private final INDArray x = TestArrays.uniform(DataType.FLOAT, 1, -1, 1, 2, 2, 5, 6, 4);

        @Test
        @DisplayName("DL4J reports the output as NDHWC, so the layer would read the last axis as channels")
        void dl4jReportsNdhwc() {
            BatchNorm bn = (BatchNorm) network(new BatchNorm.Builder().build()).getLayer(1).conf().getLayer();

            assertEquals(DataFormat.NDHWC, bn.getCnn3DFormat());
            assertArrayEquals(new long[] {4, 5, 3}, bn.getInputTypeSpatial());
            assertArrayEquals(new long[] {2, 3, 4, 5, 3},
                    network(new BatchNorm.Builder().build()).feedForwardToLayer(0, x)
                            .get(1).shape(),
                    "the convolution's output is NCDHW");
        }

        @Test
        @DisplayName("the layer refuses the array with a message naming cnn3DDataFormat(NCDHW)")
        void theLayerRefusesTheArray() {
            MultiLayerNetwork net = network(new BatchNorm.Builder().build());

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.output(x));

            assertTrue(e.getMessage().contains("input [2, 3, 4, 5, 3] holds the sizes the input type gave (3 channels, "
                    + "spatial [4, 5, 3]) in NCDHW order [N, C, D, H, W], but the layer reads NDHWC [N, D, H, W, C]: "
                    + "set cnn3DDataFormat(NCDHW) on this layer"), e.getMessage());
        }

        @Test
        @DisplayName("with cnn3DDataFormat(NCDHW) set, the network trains and BN normalizes the channel axis")
        void withTheFormatSetTheNetworkTrains() {
            MultiLayerNetwork net = network(new BatchNorm.Builder().cnn3DDataFormat(DataFormat.NCDHW).build());
            INDArray labels = TestArrays.uniform(DataType.FLOAT, 2, -1, 1, 2, 2);

            net.fit(x, labels);

            INDArray bnOut = net.feedForward(x, true).get(2);
            for (int ch = 0; ch < 3; ch++) {
                INDArray channel = bnOut.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(ch));
                double beta = net.getLayer(1).getParam(BatchNormParamInitializer.BETA).getDouble(ch);
                assertEquals(beta, channel.meanNumber().doubleValue(), 1e-5,
                        "in training, channel " + ch + " has mean beta");
            }
        }
    }

    @Test
    void anImageInTheOtherFormatIsRefusedNamingDataFormat() {
        BatchNorm nhwc = after(InputType.convolutional(4, 5, 3, CNN2DFormat.NHWC));

        assertTrue(refused(new long[] {2, 3, 4, 5}, nhwc).getMessage().contains("set dataFormat(NCHW) on this layer"));
        assertTrue(refused(new long[] {2, 5, 4, 3}, after(InputType.convolutional(5, 4, 3, CNN2DFormat.NCHW)))
                .getMessage().contains("set dataFormat(NHWC) on this layer"));
    }

    @Test
    void aVolumeInTheOtherFormatIsRefusedNamingCnn3DDataFormat() {
        BatchNorm ncdhw = after(InputType.convolutional3D(DataFormat.NCDHW, 4, 5, 3, 3));

        assertTrue(refused(new long[] {2, 4, 5, 3, 3}, ncdhw).getMessage()
                .contains("set cnn3DDataFormat(NDHWC) on this layer"));
    }

    @Test
    void anArrayInTheConfiguredFormatIsRead() {
        BatchNorm nhwc = after(InputType.convolutional(4, 5, 3, CNN2DFormat.NHWC));

        assertEquals(Layout.NHWC, ActivationShape.of(new long[] {2, 4, 5, 3}, nhwc, "bn").layout());
    }

    @Test
    void otherSpatialSizesThanTheInputTypesAreRead() {
        BatchNorm nhwc = after(InputType.convolutional(4, 5, 3, CNN2DFormat.NHWC));

        assertEquals(3, ActivationShape.of(new long[] {2, 8, 3, 3}, nhwc, "bn").channels(),
                "a fully convolutional network may see other sizes; only the other format's arrangement is refused");
    }

    @Test
    void anArrayBothFormatsArrangeAlikeIsReadAsConfigured() {
        BatchNorm nhwc = after(InputType.convolutional(3, 3, 3, CNN2DFormat.NHWC));

        assertEquals(Layout.NHWC, ActivationShape.of(new long[] {2, 3, 3, 3}, nhwc, "bn").layout());
    }

    @Test
    void withoutAnInputTypeOnlyTheChannelCountIsChecked() {
        BatchNorm bn = new BatchNorm.Builder().nIn(3).nOut(3).dataFormat(CNN2DFormat.NHWC).build();

        assertNull(bn.getInputTypeSpatial());
        assertEquals(Layout.NHWC, ActivationShape.of(new long[] {2, 3, 4, 3}, bn, "bn").layout());
        assertTrue(refused(new long[] {2, 3, 4, 5}, bn).getMessage().contains("but the layer has nOut = 3"));
    }

    @Test
    void theInputTypesSizesSurviveAJsonRoundTrip() {
        MultiLayerConfiguration conf = Networks
                .list(InputKind.CNN_NHWC, new BatchNorm.Builder().build(), DataType.FLOAT,
                        new org.nd4j.linalg.learning.config.Adam(), org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED)
                .build();

        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(conf.toJson());

        BatchNorm bn = (BatchNorm) restored.getConf(1).getLayer();
        assertArrayEquals(((BatchNorm) conf.getConf(1).getLayer()).getInputTypeSpatial(), bn.getInputTypeSpatial());
        assertEquals(2, bn.getInputTypeSpatial().length);
    }
}
