package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Bad input fails with a message that names the layer and the problem, and leaves every parameter as it was. */
class BadInputTest {
    private MultiLayerNetwork net;
    private INDArray paramsBefore;

    @BeforeEach
    void trainedNetwork() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).updater(new Adam(0.01))
                .list()
                .layer(new BatchNorm.Builder().name("bn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(3)).build();
        net = new MultiLayerNetwork(conf);
        net.init();
        net.fit(TestArrays.uniform(DataType.FLOAT, 1, -1, 3, 8, 3), TestArrays.uniform(DataType.FLOAT, 2, 0, 1, 8, 2));
        paramsBefore = net.params().dup();
    }

    private void assertRejected(String expectedInMessage, Executable step) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, step);
        assertTrue(e.getMessage().contains("BatchNorm layer \"bn\" (index 0)"),
                "should name the layer: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage),
                "should contain '" + expectedInMessage + "': " + e.getMessage());
        assertEquals(paramsBefore, net.params(), "parameters or running statistics changed");
    }

    @Test
    void wrongChannelCount() {
        assertRejected("input NC[8, 4] has 4 channels on axis 1 [N, C], but the layer has nOut = 3",
                () -> net.output(TestArrays.uniform(DataType.FLOAT, 3, 0, 1, 8, 4)));
    }

    @Test
    void wrongRankForTheLayout() {
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(0);
        assertRejected("takes input of rank 2 [N, C], 3 (sequences), 4 (images) or 5 (volumes), but got rank 6",
                () -> layer.activate(Nd4j.zeros(DataType.FLOAT, 2, 3, 1, 1, 1, 1), false,
                        LayerWorkspaceMgr.noWorkspaces()));
    }

    @Test
    void batchOfOneInTraining() {
        assertRejected("training needs at least 2 values per channel",
                () -> net.fit(TestArrays.uniform(DataType.FLOAT, 4, 0, 1, 1, 3),
                        TestArrays.uniform(DataType.FLOAT, 5, 0, 1, 1, 2)));
    }

    @Test
    void batchOfOneInInferenceIsFine() {
        assertEquals(2, net.output(TestArrays.uniform(DataType.FLOAT, 4, 0, 1, 1, 3)).length());
    }

    @Test
    void nanInputInTraining() {
        INDArray x = TestArrays.uniform(DataType.FLOAT, 6, 0, 1, 8, 3);
        x.putScalar(5, 1, Float.NaN);
        assertRejected("x holds NaN at flat index 16 (channel 1 of NC[8, 3])",
                () -> net.fit(x, TestArrays.uniform(DataType.FLOAT, 7, 0, 1, 8, 2)));
    }

    @Test
    void infiniteInputInInference() {
        INDArray x = TestArrays.uniform(DataType.FLOAT, 8, 0, 1, 8, 3);
        x.putScalar(0, 2, Float.POSITIVE_INFINITY);
        assertRejected("x holds Infinity at flat index 2", () -> net.output(x));
    }

    @Test
    void epsilonOfAnotherShape() {
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(0);
        net.initGradientsView();
        layer.activate(TestArrays.uniform(DataType.FLOAT, 9, 0, 1, 8, 3), true, LayerWorkspaceMgr.noWorkspaces());
        assertRejected("epsilon has shape [8, 2] but the input had [8, 3]",
                () -> layer.backpropGradient(Nd4j.zeros(DataType.FLOAT, 8, 2), LayerWorkspaceMgr.noWorkspaces()));
    }

    @Test
    void invalidOptionsFailWhenTheLayerIsBuilt() {
        IllegalArgumentException eps = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm.Builder().eps(0).build());
        assertTrue(eps.getMessage().contains("eps must be finite and > 0, got 0.0"), eps.getMessage());
        IllegalArgumentException decay = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm.Builder().decay(1).build());
        assertTrue(decay.getMessage().contains("decay must be in [0, 1), got 1.0"), decay.getMessage());
    }
}
