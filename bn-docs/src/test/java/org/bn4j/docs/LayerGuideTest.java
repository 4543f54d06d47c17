package org.bn4j.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.bn4j.dl4j.BatchNorm;
import org.bn4j.dl4j.BatchNormFolding;
import org.bn4j.dl4j.BatchNormSwap;
import org.bn4j.dl4j.PreciseStatistics;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The snippets of docs/layer-guide.md, run on small networks. */
class LayerGuideTest {
    @TempDir
    Path dir;

    /** Eight square images of one channel with one-hot labels over 10 classes. */
    private static DataSet images(int seed, int side, int classes) {
        Nd4j.getRandom().setSeed(seed);
        INDArray features = Nd4j.rand(DataType.FLOAT, 8, 1, side, side);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, classes);
        for (int i = 0; i < 8; i++) {
            labels.putScalar(i, i % classes, 1);
        }
        return new DataSet(features, labels);
    }

    @Test
    void networkSnippetBuildsAndTrains() {
        // tag::network[]
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
        // end::network[]

        INDArray meanBefore = net.getLayer(1).getParam("mean").dup();
        net.fit(images(1, 28, 10));

        assertEquals(16, ((BatchNorm) net.getLayer(1).conf().getLayer()).getNOut());
        assertNotEquals(meanBefore, net.getLayer(1).getParam("mean"), "a training step moves the running mean");
    }

    @Test
    void activationSnippetAppliesReluInTheBatchNormLayer() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).hasBias(false).activation(Activation.IDENTITY)
                        .build())
                // tag::activation[]
                .layer(new BatchNorm.Builder().activation(Activation.RELU).build())   // BN, then ReLU, in one layer
                // end::activation[]
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        DataSet data = images(5, 8, 3);

        net.fit(data);

        for (boolean training : new boolean[] {true, false}) {
            INDArray bnOutput = net.feedForward(data.getFeatures(), training).get(2);
            assertTrue(bnOutput.minNumber().doubleValue() >= 0, "ReLU leaves no negative value");
            assertTrue(bnOutput.maxNumber().doubleValue() > 0, "and keeps the positive ones");
        }
    }

    private static MultiLayerNetwork smallNet(org.deeplearning4j.nn.conf.layers.Layer bn) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(1e-2)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(bn)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1)).build());
        net.init();
        return net;
    }

    @Test
    void preciseStatisticsSnippetReplacesTheRunningStatistics() throws Exception {
        MultiLayerNetwork net = smallNet(new BatchNorm.Builder().build());
        DataSetIterator trainData = new ExistingDataSetIterator(images(2, 8, 3).batchBy(2));
        File file = dir.resolve("model.zip").toFile();

        // tag::precise-statistics[]
        net.fit(trainData, 3);                                    // train as usual: BN keeps moving averages
        PreciseStatistics precise = PreciseStatistics.builder().batches(200).build();
        int used = precise.recompute(net, trainData);             // training-mode passes, no backprop, no update
        net.save(file);                                           // the new statistics are saved with the model
        // end::precise-statistics[]

        assertEquals(4, used, "the iterator holds 4 batches, fewer than the 200 asked for");
        assertEquals(net.getLayer(1).getParam("mean"),
                MultiLayerNetwork.load(file, false).getLayer(1).getParam("mean"));
    }

    @Test
    void foldingSnippetGivesTheSameOutputsWithoutBatchNorm() throws Exception {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-2))
                .graphBuilder().addInputs("in")
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build(),
                        "in")
                .addLayer("bn", new BatchNorm.Builder().build(), "conv")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .setOutputs("out").setInputTypes(InputType.convolutional(8, 8, 1)).build();
        ComputationGraph original = new ComputationGraph(conf);
        original.init();
        for (int step = 0; step < 5; step++) {
            original.fit(images(step, 8, 3));
        }
        File modelFile = dir.resolve("model.zip").toFile();
        File foldedFile = dir.resolve("model-folded.zip").toFile();
        ModelSerializer.writeModel(original, modelFile, false);
        INDArray images = images(9, 8, 3).getFeatures();

        // tag::folding[]
        ComputationGraph trained = ComputationGraph.load(modelFile, false);
        ComputationGraph deployed = BatchNormFolding.fold(trained);    // MultiLayerNetwork works the same way
        INDArray probabilities = deployed.outputSingle(false, images);
        ModelSerializer.writeModel(deployed, foldedFile, false);
        // end::folding[]

        assertTrue(deployed.getVertex("bn") == null && deployed.getVertex("conv") != null, "the BN layer is gone");
        assertTrue(original.outputSingle(false, images).equalsWithEps(probabilities, 1e-5));
        assertTrue(foldedFile.length() > 0);
    }

    @Test
    void swapSnippetReplacesTheBuiltInLayerOfASavedModel() throws Exception {
        File file = dir.resolve("model.zip").toFile();
        smallNet(new BatchNormalization.Builder().build()).save(file);

        // tag::swap[]
        MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
        MultiLayerNetwork swapped = BatchNormSwap.replaceBuiltIn(restored);   // also for ComputationGraph
        swapped.save(file);
        // end::swap[]

        INDArray x = images(3, 8, 3).getFeatures();
        assertEquals(BatchNorm.class, MultiLayerNetwork.load(file, true).getLayer(1).conf().getLayer().getClass());
        assertTrue(restored.output(x).equalsWithEps(swapped.output(x), 1e-5));
    }

    @Test
    void wayBackSnippetGivesASavedModelDl4jsOwnLayer() throws Exception {
        File file = dir.resolve("model.zip").toFile();
        MultiLayerNetwork original = smallNet(new BatchNorm.Builder().activation(Activation.IDENTITY).build());
        original.fit(images(4, 8, 3));
        original.save(file);

        // tag::way-back[]
        MultiLayerNetwork trained = MultiLayerNetwork.load(file, true);
        MultiLayerNetwork builtIn = BatchNormSwap.toBuiltIn(trained);   // also for ComputationGraph
        builtIn.save(file);                                             // loads where bn4j is not installed
        // end::way-back[]

        INDArray x = images(5, 8, 3).getFeatures();
        assertEquals(BatchNormalization.class,
                MultiLayerNetwork.load(file, true).getLayer(1).conf().getLayer().getClass());
        assertTrue(original.output(x).equalsWithEps(builtIn.output(x), 1e-6));
    }
}
