package org.bn4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The precise-statistics tests' networks, each with two BN layers one behind the other (the second's statistics
 * depend on the first's normalization) and the two variance conventions, and their data: batches of unequal sizes,
 * uniform features with nonzero means, double precision.
 */
final class StatisticsNetworks {
    static final int FEATURES = 4;
    static final int STEPS = 6;
    /** Batch sizes of the data: a smaller last batch, as a data set split into batches has. */
    static final int[] SIZES = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 3};

    private StatisticsNetworks() {
    }

    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder().seed(12345).dataType(DataType.DOUBLE).updater(new Sgd(0.1));
    }

    /** dense -> BN "bn1" (unbiased) -> tanh -> dense -> BN "bn2" (biased, or frozen statistics) -> softmax. */
    static MultiLayerNetwork dense(boolean secondFrozen) {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nOut(5).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().name("bn1").unbiasedVariance(true).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().name("bn2").frozenStatistics(secondFrozen).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(FEATURES)).build());
        net.init();
        return net;
    }

    /** The same without BN layers. */
    static MultiLayerNetwork withoutBatchNorm() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new DenseLayer.Builder().nOut(5).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(FEATURES)).build());
        net.init();
        return net;
    }

    /** Sequences [N, FEATURES, STEPS]: BN "bn1" (unbiased) -> tanh -> BN "bn2" (biased) -> per-step softmax. */
    static MultiLayerNetwork recurrent() {
        MultiLayerNetwork net = new MultiLayerNetwork(base().list()
                .layer(new BatchNorm.Builder().name("bn1").unbiasedVariance(true).build())
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new BatchNorm.Builder().name("bn2").build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(FEATURES, STEPS)).build());
        net.init();
        return net;
    }

    /** Two inputs: "a" [N, FEATURES] -> dense -> BN "bnA" (unbiased); "b" [N, 2] -> BN "bnB"; merged -> softmax. */
    static ComputationGraph twoInputGraph() {
        ComputationGraphConfiguration conf = base().graphBuilder().addInputs("a", "b")
                .addLayer("dense", new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build(), "a")
                .addLayer("bnA", new BatchNorm.Builder().unbiasedVariance(true).build(), "dense")
                .addLayer("bnB", new BatchNorm.Builder().build(), "b")
                .addVertex("merge", new MergeVertex(), "bnA", "bnB")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out")
                .setInputTypes(InputType.feedForward(FEATURES), InputType.feedForward(2)).build();
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /** Batches of {@link #SIZES} of [size, FEATURES], features uniform in [1, 3). */
    static List<DataSet> denseBatches(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataSet> batches = new ArrayList<>();
        for (int size : SIZES) {
            batches.add(new DataSet(uniform(random, size, FEATURES), labels(size)));
        }
        return batches;
    }

    /**
     * Batches of {@link #SIZES} sequences of [size, FEATURES, STEPS]; sequence n keeps its first
     * {@code STEPS - n % 3} steps (feature mask), and its masked steps hold 100, so that any statistic that counted
     * them would be far off.
     */
    static List<DataSet> maskedSequenceBatches(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataSet> batches = new ArrayList<>();
        for (int size : SIZES) {
            double[][][] x = new double[size][FEATURES][STEPS];
            double[][] mask = new double[size][STEPS];
            for (int n = 0; n < size; n++) {
                int kept = STEPS - n % 3;
                for (int t = 0; t < STEPS; t++) {
                    mask[n][t] = t < kept ? 1 : 0;
                    for (int f = 0; f < FEATURES; f++) {
                        x[n][f][t] = t < kept ? random.nextDouble(1, 3) : 100;
                    }
                }
            }
            batches.add(new DataSet(Nd4j.createFromArray(x), Nd4j.zeros(DataType.DOUBLE, size, 2, STEPS),
                    Nd4j.createFromArray(mask), null));
        }
        return batches;
    }

    /** Batches of {@link #SIZES} for {@link #twoInputGraph()}. */
    static List<MultiDataSet> twoInputBatches(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int size : SIZES) {
            batches.add(new MultiDataSet(new INDArray[] {uniform(random, size, FEATURES), uniform(random, size, 2)},
                    new INDArray[] {labels(size)}));
        }
        return batches;
    }

    private static INDArray uniform(SplittableRandom random, int rows, int columns) {
        double[][] x = new double[rows][columns];
        for (double[] row : x) {
            for (int f = 0; f < columns; f++) {
                row[f] = random.nextDouble(1, 3);
            }
        }
        return Nd4j.createFromArray(x);
    }

    private static INDArray labels(int size) {
        INDArray labels = Nd4j.zeros(DataType.DOUBLE, size, 2);
        for (int n = 0; n < size; n++) {
            labels.putScalar(n, n % 2, 1);
        }
        return labels;
    }
}
