package com.example.consumer;

import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A user's program: a small classifier with bn4j's layer, trained on a made-up task (is the sum of the inputs
 * positive?). Exits non-zero unless training lowers the loss, so that CI notices a broken artifact.
 */
public final class TrainWithBatchNorm {
    public static void main(String[] args) {
        Nd4j.getRandom().setSeed(42);
        INDArray features = Nd4j.randn(DataType.FLOAT, 64, 4);
        INDArray positive = features.sum(1).gt(0).castTo(DataType.FLOAT).reshape(64, 1);
        DataSet data = new DataSet(features, Nd4j.hstack(positive.rsub(1), positive));

        // tag::minimal-example[]
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Adam(1e-2))
                .list()
                .layer(new DenseLayer.Builder().nOut(16).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())                      // org.bn4j.dl4j.BatchNorm
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(4))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // end::minimal-example[]

        double before = net.score(data);
        for (int step = 0; step < 50; step++) {
            net.fit(data);
        }
        double after = net.score(data);
        System.out.printf("bn4j consumer: loss %.4f before training, %.4f after 50 steps%n", before, after);
        if (!(after < before)) {
            System.err.println("bn4j consumer: training did not lower the loss");
            System.exit(1);
        }
    }
}
