package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The check that refuses inference with running statistics never updated in a trained network (what Spark's
 * {@code SharedTrainingMaster} leaves on the driver) fires on that fault only, not on layers that keep their
 * statistics by design.
 */
class NeverUpdatedStatisticsTest {
    private static final InputKind KIND = InputKind.FEED_FORWARD;

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** Dense, then {@code middle}, then a softmax output; workspaces on, as by default. */
    private static MultiLayerNetwork network(Layer middle) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .updater(new Adam(0.01)).trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED).list()
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(middle)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(KIND.inputType).build());
        net.init();
        return net;
    }

    private static void fitThreeTimes(MultiLayerNetwork net) {
        for (int step = 0; step < 3; step++) {
            net.fit(KIND.features(DataType.FLOAT, step), KIND.labels(DataType.FLOAT, step));
        }
    }

    private static double[] runningMean(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
    }

    @Test
    void aFreshLayerInsideFrozenLayerWithBackpropTrainsAndInfersWithoutComplaint() {
        MultiLayerNetwork net = network(new FrozenLayerWithBackprop(new BatchNorm.Builder().build()));

        assertDoesNotThrow(() -> fitThreeTimes(net));
        assertDoesNotThrow(() -> net.output(KIND.features(DataType.FLOAT, 9)));
        assertArrayEquals(new double[3], runningMean(net, 1), "a frozen layer's statistics stay as they were");
    }

    @Test
    void aFreshLayerInsideFrozenLayerTrainsAndInfersWithoutComplaint() {
        // FrozenLayer passes no gradient back, so it sits first, right after the input.
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .updater(new Adam(0.01)).list()
                .layer(new FrozenLayer(new BatchNorm.Builder().build()))
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(KIND.inputType).build());
        net.init();

        assertDoesNotThrow(() -> fitThreeTimes(net));
        assertDoesNotThrow(() -> net.output(KIND.features(DataType.FLOAT, 9)));
        assertArrayEquals(new double[(int) KIND.inputShape[1]], runningMean(net, 0));
    }

    @Test
    void aLayerWithFrozenStatisticsTrainsAndInfersWithoutComplaint() {
        MultiLayerNetwork net = network(new BatchNorm.Builder().frozenStatistics(true).build());

        assertDoesNotThrow(() -> fitThreeTimes(net));
        assertDoesNotThrow(() -> net.output(KIND.features(DataType.FLOAT, 9)));
        assertArrayEquals(new double[3], runningMean(net, 1));
    }

    @Test
    void aNetworkBuiltWithACountButNeverTrainedSinceInfers() {
        // As a network built from a trained network's configuration, or restored from a file: its count is not 0,
        // but its BN layers have not been trained since they joined it.
        MultiLayerNetwork template = network(new BatchNorm.Builder().build());
        MultiLayerConfiguration conf = template.getLayerWiseConfigurations().clone();
        conf.setIterationCount(3);
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        assertDoesNotThrow(() -> net.output(KIND.features(DataType.FLOAT, 9)));
    }

    @Test
    void aNetworkTrainedElsewhereIsStillRefused() {
        MultiLayerNetwork net = network(new BatchNorm.Builder().build());
        INDArray x = KIND.features(DataType.FLOAT, 9);
        net.score(new org.nd4j.linalg.dataset.DataSet(x, KIND.labels(DataType.FLOAT, 9)), true);
        // As on the Spark driver: the counts move, the statistics do not.
        net.setIterationCount(4);
        net.incrementEpochCount();

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> net.output(x));
        assertTrue(refused.getMessage().contains("PreciseStatistics"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> net.output(x), "refused again, not only once");
    }

    @Test
    void aNetworkTrainedElsewhereBeforeAnyPassOnTheDriverIsRefused() {
        MultiLayerNetwork net = network(new BatchNorm.Builder().build());
        net.setIterationCount(4);
        net.incrementEpochCount();

        assertThrows(IllegalStateException.class, () -> net.output(KIND.features(DataType.FLOAT, 9)));
    }
}
