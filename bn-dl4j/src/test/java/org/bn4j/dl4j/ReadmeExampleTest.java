package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The README's snippets, compiled and run, so that they cannot go stale. Keep the two in step. */
class ReadmeExampleTest {
    @Test
    void configurationSnippetBuildsAndTrains() {
        // --- README: Using the layer in DL4J ---
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .updater(new Adam(1e-3))
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(16).hasBias(false)   // BN's beta replaces the bias
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())                            // nIn/nOut and format inferred
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(28, 28, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // --- end ---
        net.fit(TestArrays.uniform(DataType.FLOAT, 1, 0, 1, 4, 1, 28, 28),
                org.nd4j.linalg.factory.Nd4j.eye(10).castTo(DataType.FLOAT).getRows(0, 3, 5, 7));
        assertEquals(16, ((BatchNorm) net.getLayer(1).conf().getLayer()).getNOut());
    }

    @Test
    void swapSnippetReplacesTheBuiltInLayerOfASavedModel(@TempDir Path dir) throws Exception {
        File file = dir.resolve("model.zip").toFile();
        Networks.multiLayer(InputKind.CNN_NCHW, new BatchNormalization.Builder().build(), DataType.FLOAT, new Adam()).save(file);

        // --- README: Swapping the built-in layer in a saved model ---
        MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(restored);
        swapped.save(file);
        // --- end ---

        assertEquals(BatchNorm.class, MultiLayerNetwork.load(file, true).getLayer(1).conf().getLayer().getClass());
    }
}
