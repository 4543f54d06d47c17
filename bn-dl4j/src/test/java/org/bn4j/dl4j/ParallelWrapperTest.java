package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * DL4J's {@link ParallelWrapper} with parameter averaging trains a network with bn4j's layer on two workers.
 *
 * <p>What ParallelWrapper does (1.0.0-M2.1, {@code TrainingMode.AVERAGING}): each round hands the next
 * {@code workers} minibatches of the iterator to the workers by position (minibatch {@code i} of the round to worker
 * {@code i}; worker 0 trains the caller's network itself, the others train copies), every worker runs one
 * {@code fit} on its own minibatch, and after all have finished the flattened parameter vectors (which hold BN's
 * running mean and variance) and the updater states are averaged and copied back to every worker. So each worker
 * normalizes with the statistics of its own minibatch, and the running statistics are the average of the
 * workers'. Which worker gets which minibatch is positional and averaging waits for every worker, so once the
 * workers start from the same parameters (see {@link ParallelTraining#awaitWorkersPolling(int)}) the result is exact to the last bit,
 * with and without workspaces and prefetching, and is asserted that way.
 *
 * <p>Tolerances elsewhere are 1e-12 on values of order 1 in double precision: the differences measured are rounding
 * (at most 2.2e-16 for parameters, 7e-18 for running statistics), and an error in the statistics' algebra would
 * show at the size of the spread between the halves' means (3e-3 to 6e-2 here).
 */
@Tag("slow")
class ParallelWrapperTest {
    private static final int WORKERS = 2;
    private static final int ROUNDS = 3;
    /** Examples in each worker's minibatch. */
    private static final int HALF = 8;
    private static final int FEATURES = 4;
    private static final int CHANNELS = 3;
    private static final double LEARNING_RATE = 0.1;
    private static final double DECAY = 0.9;

    static Stream<Arguments> wrapperSettings() {
        return Stream.of(Arguments.of(WorkspaceMode.ENABLED, 0), Arguments.of(WorkspaceMode.ENABLED, 4),
                Arguments.of(WorkspaceMode.NONE, 0), Arguments.of(WorkspaceMode.NONE, 4));
    }

    @ParameterizedTest(name = "workspaces {0}, prefetch {1}")
    @MethodSource("wrapperSettings")
    void twoWorkersEndWithTheAverageOfTwoIndependentlyTrainedNetworks(WorkspaceMode workspaces, int prefetch) {
        MultiLayerNetwork net = withBatchNorm();
        MultiLayerNetwork first = net.clone();
        MultiLayerNetwork second = net.clone();
        List<DataSet> minibatches = minibatches(2 * ROUNDS);

        trainInParallel(net, minibatches, workspaces, prefetch);

        // The same rounds by hand: two separate networks, each fed its worker's minibatches, averaged after each.
        for (int round = 0; round < ROUNDS; round++) {
            first.fit(minibatches.get(2 * round).copy());
            second.fit(minibatches.get(2 * round + 1).copy());
            INDArray average = first.params().add(second.params()).divi(2);
            first.setParams(average);
            second.setParams(average);
        }
        assertArrayEquals(first.params().toDoubleVector(), net.params().toDoubleVector());
    }

    @Test
    void runningStatisticsAreTheAverageOfTheWorkersBatchStatistics() {
        MultiLayerNetwork net = withBatchNorm();
        double[][] weights = net.getLayer(0).getParam("W").toDoubleMatrix();
        List<DataSet> minibatches = minibatches(2);
        double[][] firstStats = meanAndBiasedVariance(minibatches.get(0).getFeatures().toDoubleMatrix(), weights);
        double[][] secondStats = meanAndBiasedVariance(minibatches.get(1).getFeatures().toDoubleMatrix(), weights);

        trainInParallel(net, minibatches, WorkspaceMode.ENABLED, 0);

        double[] mean = net.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
        double[] var = net.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector();
        for (int c = 0; c < CHANNELS; c++) {
            // Each worker moves the initial statistics (0, 1) towards its own batch's; the average follows.
            double expectedMean = (1 - DECAY) * (firstStats[0][c] + secondStats[0][c]) / 2;
            double expectedVar = DECAY * 1 + (1 - DECAY) * (firstStats[1][c] + secondStats[1][c]) / 2;
            assertEquals(expectedMean, mean[c], 1e-12, "mean of channel " + c);
            assertEquals(expectedVar, var[c], 1e-12, "variance of channel " + c);
        }
    }

    @Test
    void withoutBatchNormTwoWorkersTrainLikeOneWorkerOnBothMinibatches() {
        MultiLayerNetwork net = withoutBatchNorm();
        MultiLayerNetwork single = net.clone();
        List<DataSet> minibatches = minibatches(2 * ROUNDS);

        trainInParallel(net, minibatches, WorkspaceMode.ENABLED, 0);
        for (int round = 0; round < ROUNDS; round++) {
            single.fit(DataSet.merge(minibatches.subList(2 * round, 2 * round + 2)));
        }

        // The mean gradient over 2 equal halves is the mean gradient over the whole: only rounding differs.
        assertArrayEquals(single.params().toDoubleVector(), net.params().toDoubleVector(), 1e-12);
    }

    @Test
    void withBatchNormTwoWorkersKeepTheMeanButNotTheVarianceOfOneWorkerOnBothMinibatches() {
        MultiLayerNetwork net = withBatchNorm();
        MultiLayerNetwork single = net.clone();
        double[][] weights = net.getLayer(0).getParam("W").toDoubleMatrix();
        List<DataSet> minibatches = minibatches(2);
        double[] firstMean = meanAndBiasedVariance(minibatches.get(0).getFeatures().toDoubleMatrix(), weights)[0];
        double[] secondMean = meanAndBiasedVariance(minibatches.get(1).getFeatures().toDoubleMatrix(), weights)[0];

        trainInParallel(net, minibatches, WorkspaceMode.ENABLED, 0);
        single.fit(DataSet.merge(minibatches));

        double[] mean = net.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
        double[] var = net.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector();
        double[] singleMean = single.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
        double[] singleVar = single.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector();
        for (int c = 0; c < CHANNELS; c++) {
            // The mean of two equal halves' means is the whole batch's mean, but the mean of their variances
            // misses the spread between the halves' means: whole = average of halves + ((m1 - m2) / 2)^2.
            double between = Math.pow((firstMean[c] - secondMean[c]) / 2, 2);
            assertEquals(singleMean[c], mean[c], 1e-12, "mean of channel " + c);
            assertEquals(singleVar[c] - (1 - DECAY) * between, var[c], 1e-12, "variance of channel " + c);
            assertTrue(between > 1e-4, "the test's halves must differ in mean, channel " + c + ": " + between);
        }
    }

    @Test
    void withBatchNormTwoWorkersTrainCloserToOneWorkerOnBothMinibatchesThanOneWorkerOnHalf() {
        MultiLayerNetwork net = withBatchNorm();
        MultiLayerNetwork single = net.clone();
        MultiLayerNetwork half = net.clone();
        INDArray initial = net.params().dup();
        List<DataSet> minibatches = minibatches(2 * ROUNDS);

        trainInParallel(net, minibatches, WorkspaceMode.ENABLED, 0);
        for (int round = 0; round < ROUNDS; round++) {
            single.fit(DataSet.merge(minibatches.subList(2 * round, 2 * round + 2)));
            half.fit(minibatches.get(2 * round).copy());
        }

        // Workers normalize with their half batch's statistics (no cross-worker synchronization of batch
        // statistics), so the gradients differ from the whole batch's, but by less than one half's alone.
        double moved = single.params().distance2(initial);
        double parallelOff = net.params().distance2(single.params());
        double halfOff = half.params().distance2(single.params());
        System.out.printf("ParallelWrapper vs one worker: moved %.3e, parallel off %.3e, one half off %.3e%n",
                moved, parallelOff, halfOff);
        assertTrue(parallelOff > 1e-9, "batch statistics are per worker, so results differ: " + parallelOff);
        assertTrue(parallelOff < halfOff, "parallel " + parallelOff + " vs one half " + halfOff);
    }

    private static void trainInParallel(MultiLayerNetwork net, List<DataSet> minibatches, WorkspaceMode workspaces,
                                        int prefetch) {
        ParallelTraining.fit(net, minibatches, ParallelWrapper.TrainingMode.AVERAGING, WORKERS, workspaces, prefetch);
    }

    /** Dense (no bias) -> bn4j BatchNorm -> tanh -> softmax output, in double precision, plain SGD. */
    private static MultiLayerNetwork withBatchNorm() {
        return network(true);
    }

    /** The same network without the BN layer. */
    private static MultiLayerNetwork withoutBatchNorm() {
        return network(false);
    }

    private static MultiLayerNetwork network(boolean batchNorm) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE).updater(new Sgd(LEARNING_RATE)).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(CHANNELS).hasBias(false)
                        .activation(Activation.IDENTITY).build());
        if (batchNorm) {
            list.layer(new BatchNorm.Builder().decay(DECAY).build());
        }
        list.layer(new ActivationLayer.Builder().activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build());
        MultiLayerNetwork net = new MultiLayerNetwork(list.setInputType(
                org.deeplearning4j.nn.conf.inputs.InputType.feedForward(FEATURES)).build());
        net.init();
        return net;
    }

    /**
     * Minibatches of {@link #HALF} examples; odd ones are shifted so that the two workers of a round see data
     * with different means, as shards of real data often do.
     */
    private static List<DataSet> minibatches(int count) {
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double shift = i % 2 == 0 ? 0 : 0.75;
            INDArray features = TestArrays.uniform(DataType.DOUBLE, 1000 + i, -1 + shift, 1 + shift, HALF, FEATURES);
            double[][] x = features.toDoubleMatrix();
            double[][] labels = new double[HALF][2];
            for (int n = 0; n < HALF; n++) {
                labels[n][x[n][0] - x[n][1] + 0.5 * x[n][2] > shift / 2 ? 1 : 0] = 1;
            }
            minibatches.add(new DataSet(features, Nd4j.createFromArray(labels)));
        }
        return minibatches;
    }

    /** @return per channel of {@code x W}: {mean, biased variance}, in plain double arithmetic */
    private static double[][] meanAndBiasedVariance(double[][] x, double[][] weights) {
        int channels = weights[0].length;
        double[] mean = new double[channels];
        double[] var = new double[channels];
        for (int c = 0; c < channels; c++) {
            double[] z = new double[x.length];
            for (int n = 0; n < x.length; n++) {
                for (int f = 0; f < weights.length; f++) {
                    z[n] += x[n][f] * weights[f][c];
                }
                mean[c] += z[n] / x.length;
            }
            for (int n = 0; n < x.length; n++) {
                var[c] += (z[n] - mean[c]) * (z[n] - mean[c]) / x.length;
            }
        }
        return new double[][] {mean, var};
    }
}
