package org.bn4j.examples.nets;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.NormalDistribution;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network of the paper's section 4.1: 784 inputs, 3 fully connected hidden layers of 100 sigmoid units,
 * a 10-way softmax with cross-entropy, small random Gaussian weights, plain SGD. With BN, each hidden layer is
 * {@code x -> Wx -> BN -> sigmoid} (no bias: BN's beta replaces it); without, {@code x -> Wx + b -> sigmoid}.
 * Either way the sigmoid is a layer of its own, so its input can be watched.
 */
public final class MnistMlp {
    public static final int HIDDEN_LAYERS = 3;
    public static final int UNITS = 100;

    private MnistMlp() {
    }

    /**
     * @param bn           the BN layer to use, or null for the network without BN
     * @param learningRate SGD step size
     * @param initStd      standard deviation of the Gaussian initial weights
     * @param seed         initialization seed
     */
    public static MultiLayerNetwork build(BatchNormImpl bn, double learningRate, double initStd, long seed) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(seed)
                .updater(new Sgd(learningRate)).weightInit(new NormalDistribution(0, initStd)).list();
        for (int i = 0; i < HIDDEN_LAYERS; i++) {
            list.layer(
                    new DenseLayer.Builder().nOut(UNITS).hasBias(bn == null).activation(Activation.IDENTITY).build());
            if (bn != null) {
                list.layer(bn.layer());
            }
            list.layer(new ActivationLayer.Builder().activation(Activation.SIGMOID).build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                .build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(InputType.feedForward(784)).build());
        net.init();
        return net;
    }

    /** @return the index of the layer whose output feeds the last hidden layer's sigmoid */
    public static int lastSigmoidInput(boolean batchNorm) {
        int perHidden = batchNorm ? 3 : 2;
        return (HIDDEN_LAYERS - 1) * perHidden + perHidden - 2;
    }
}
