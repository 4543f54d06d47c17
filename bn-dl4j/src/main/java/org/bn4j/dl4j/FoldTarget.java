package org.bn4j.dl4j;

import org.bn4j.core.ChannelAffine;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layer a BN folds into: a {@link ConvolutionLayer} (or {@link Convolution2D}) or a {@link DenseLayer} with
 * identity activation, whose weights hold one slice per output channel ({@code W[:, c]} of a dense layer's
 * {@code [nIn, nOut]}, {@code W[c]} of a convolution's {@code [nOut, nIn, kH, kW]}, in NCHW and NHWC alike) and
 * whose bias has one value per output channel. Then {@code BN(W x + b) = (scale W) x + (scale b + shift)}.
 *
 * <p>Other convolutions stay unfolded: depthwise, separable, transposed and 3-D ones lay their weights out
 * otherwise, and {@code Convolution1DLayer} zeros masked time steps after its bias, where BN would then have
 * shifted them.
 */
final class FoldTarget {
    private FoldTarget() {
    }

    /**
     * @param layer        the layer before the BN
     * @param bn           the BN layer, bn4j's or DL4J's built-in
     * @param bnPreprocess the BN layer's input preprocessor, or null
     * @return why the BN cannot fold into {@code layer} exactly, or null if it can
     */
    static String whyNot(Layer layer, Layer bn, InputPreProcessor bnPreprocess) {
        if (bnPreprocess != null) {
            return "it has an input preprocessor (" + bnPreprocess.getClass().getSimpleName() + ")";
        }
        Class<?> type = layer.getClass();
        if (type != DenseLayer.class && type != ConvolutionLayer.class && type != Convolution2D.class) {
            return "it follows a " + type.getSimpleName() + ", not a ConvolutionLayer or DenseLayer";
        }
        if (!(((BaseLayer) layer).getActivationFn() instanceof ActivationIdentity)) {
            return "it follows " + describe(layer) + " with activation " + ((BaseLayer) layer).getActivationFn();
        }
        if (layer instanceof DenseLayer && ((DenseLayer) layer).hasLayerNorm()) {
            return "it follows " + describe(layer) + " with layer normalization";
        }
        if (layer instanceof ConvolutionLayer
                && ((ConvolutionLayer) layer).getCnn2dDataFormat() != InferenceAffine.imageFormat(bn)) {
            return "it reads " + InferenceAffine.imageFormat(bn) + " images but " + describe(layer) + " writes "
                    + ((ConvolutionLayer) layer).getCnn2dDataFormat();
        }
        long channels = ((FeedForwardLayer) layer).getNOut();
        if (channels != ((FeedForwardLayer) bn).getNOut()) {
            return "it has " + ((FeedForwardLayer) bn).getNOut() + " channels but " + describe(layer) + " has "
                    + channels;
        }
        return null;
    }

    /**
     * Gives the (cloned) layer configuration a bias, where the folded shift goes, and the activation that the BN
     * applied after it (identity for DL4J's built-in layer, which applies none); its parameter keys are re-registered
     * at init.
     */
    static void takeOver(NeuralNetConfiguration conf, Layer bn) {
        Layer layer = conf.getLayer();
        if (layer instanceof DenseLayer) {
            ((DenseLayer) layer).setHasBias(true);
        } else {
            ((ConvolutionLayer) layer).setHasBias(true);
        }
        if (bn instanceof BatchNorm) {
            ((BaseLayer) layer).setActivationFn(((BatchNorm) bn).appliedActivation());   // activations are stateless
        }
        conf.clearVariables();
    }

    /**
     * Writes {@code W * scale} and {@code b * scale + shift} (b = 0 without bias) into {@code to}, computed in double.
     *
     * @param from   the original layer; not modified
     * @param to     the same layer in the folded network, with a bias
     * @param affine the inference transform of the BN that followed {@code from}
     */
    static void writeFolded(org.deeplearning4j.nn.api.Layer from, org.deeplearning4j.nn.api.Layer to,
                            ChannelAffine affine) {
        INDArray w = from.getParam(DefaultParamInitializer.WEIGHT_KEY).castTo(DataType.DOUBLE);
        INDArray scale = Nd4j.createFromArray(affine.scale());
        INDArray folded;
        if (w.rank() == 2) {
            folded = w.mulRowVector(scale.reshape(1, scale.length()));
        } else {
            long[] shape = w.shape();
            folded = w.reshape('c', shape[0], w.length() / shape[0]).mulColumnVector(scale.reshape(scale.length(), 1))
                    .reshape('c', shape);
        }
        INDArray toW = to.getParam(DefaultParamInitializer.WEIGHT_KEY);
        toW.assign(folded.castTo(toW.dataType()));

        INDArray fromB = hasBias(from.conf().getLayer()) ? from.getParam(DefaultParamInitializer.BIAS_KEY) : null;
        double[] b = fromB == null ? new double[affine.channels()] : NdBuffers.read(fromB);
        for (int ch = 0; ch < b.length; ch++) {
            b[ch] = b[ch] * affine.scale()[ch] + affine.shift()[ch];
        }
        INDArray toB = to.getParam(DefaultParamInitializer.BIAS_KEY);
        toB.assign(Nd4j.createFromArray(b).reshape(toB.shape()).castTo(toB.dataType()));
    }

    private static boolean hasBias(Layer layer) {
        return layer instanceof DenseLayer ? ((DenseLayer) layer).hasBias() : ((ConvolutionLayer) layer).hasBias();
    }

    private static String describe(Layer layer) {
        return layer.getClass().getSimpleName()
                + (layer.getLayerName() == null ? "" : " \"" + layer.getLayerName() + "\"");
    }
}
