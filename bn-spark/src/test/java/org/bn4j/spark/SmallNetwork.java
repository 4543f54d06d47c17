package org.bn4j.spark;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The Spark tests' network: dense (no bias) -> BN -> tanh -> 2-way softmax, double precision, SGD 0.2. */
final class SmallNetwork {
    private SmallNetwork() {
    }

    /** @param bn the BN layer (bn4j's or DL4J's built-in), as layer 1 */
    static MultiLayerNetwork of(Layer bn, int features, int channels) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(12345)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.2)).list()
                .layer(new DenseLayer.Builder().nOut(channels).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(bn)
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(features)).build());
        net.init();
        return net;
    }
}
