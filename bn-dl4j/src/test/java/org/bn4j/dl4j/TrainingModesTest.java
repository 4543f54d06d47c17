package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bn4j.core.RunningStats;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper.TrainingMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The running statistics after training in each of DL4J's single-machine training modes, against the exact moving
 * average of the batch statistics each network saw (the set-up: BN first in a small dense net, 120 minibatches
 * of 32, channels with means 3, 4, 5, 6 and variance 4). With BN first, a batch's statistics depend on the data
 * only, so the reference is computed from the minibatches in plain double arithmetic.
 *
 * <p>Tolerance 1e-12 (absolute, on values of 3 to 6): the layer computes the same recurrence in double, so only
 * rounding differs (measured at most a few 1e-15); an update lost, doubled or taken from the wrong worker moves the
 * result by at least {@code (1 - decay) * 0.9^119} times a batch-to-batch difference, about 1e-7 here, and usually
 * by 1e-2 or more.
 */
@Tag("slow")
class TrainingModesTest {
    static final int WORKERS = 2;
    static final int MINIBATCHES = 120;
    static final int BATCH = 32;
    static final double DECAY = 0.9;
    static final double[] MEANS = {3, 4, 5, 6};
    static final double STD = 2;
    private static final double TOLERANCE = 1e-12;

    static Stream<Arguments> wrapperSettings() {
        return Stream.of(Arguments.of(WorkspaceMode.ENABLED, 0), Arguments.of(WorkspaceMode.ENABLED, 4),
                Arguments.of(WorkspaceMode.NONE, 0), Arguments.of(WorkspaceMode.NONE, 4));
    }

    @Test
    void aSingleNetworkEndsWithTheMovingAverageOfEveryBatch() {
        MultiLayerNetwork net = network(bn4j());
        List<DataSet> minibatches = minibatches(MINIBATCHES, 1);
        for (DataSet minibatch : minibatches) {
            net.fit(minibatch);
        }
        assertStatistics(movingAverage(minibatches, 0, 1), bn4jStatistics(net), TOLERANCE, "single network");
    }

    @ParameterizedTest(name = "workspaces {0}, prefetch {1}")
    @MethodSource("wrapperSettings")
    void parameterAveragingEndsWithTheAverageOfTheWorkersMovingAverages(WorkspaceMode workspaces, int prefetch) {
        MultiLayerNetwork net = network(bn4j());
        List<DataSet> minibatches = minibatches(MINIBATCHES, 2);
        ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, WORKERS, workspaces, prefetch);
        assertStatistics(averagedMovingAverage(minibatches), bn4jStatistics(net), TOLERANCE, "AVERAGING");
    }

    @ParameterizedTest(name = "workspaces {0}, prefetch {1}")
    @MethodSource("wrapperSettings")
    void gradientSharingEndsWithTheMovingAverageOfTheBatchesWorkerZeroSaw(WorkspaceMode workspaces, int prefetch) {
        MultiLayerNetwork net = network(bn4j());
        List<DataSet> minibatches = minibatches(MINIBATCHES, 3);
        ParallelTraining.fit(net, minibatches, TrainingMode.SHARED_GRADIENTS, WORKERS, workspaces, prefetch);
        // Worker 0 trains the caller's network and gets minibatches 0, 2, 4, ...; the statistics never travel as a
        // gradient, so the threshold encoding of the shared updates cannot hold them back.
        assertStatistics(movingAverage(minibatches, 0, WORKERS), bn4jStatistics(net), TOLERANCE, "SHARED_GRADIENTS");
    }

    @Test
    void gradientSharingLeavesTheBuiltInLayersStatisticsNearTheirInitialValues() {
        MultiLayerNetwork net = network(new BatchNormalization.Builder().decay(DECAY).build());
        List<DataSet> minibatches = minibatches(MINIBATCHES, 3);
        ParallelTraining.fit(net, minibatches, TrainingMode.SHARED_GRADIENTS, WORKERS, WorkspaceMode.ENABLED, 0);
        RunningStats stats = BuiltInStatistics.of(net.getLayer(0));
        System.out.printf("built-in BN under SHARED_GRADIENTS: mean %s, var %s%n",
                java.util.Arrays.toString(stats.mean()), java.util.Arrays.toString(stats.var()));
        for (int c = 0; c < MEANS.length; c++) {
            // DL4J's own layer sends its statistics through the threshold-encoded gradient: they barely move.
            assertTrue(Math.abs(stats.mean()[c]) < 0.5, "built-in mean of channel " + c + ": " + stats.mean()[c]);
            assertTrue(Math.abs(stats.var()[c] - 1) < 0.5, "built-in variance of channel " + c + ": " + stats.var()[c]);
        }
    }

    @Test
    void parameterAveragingGivesTheBuiltInLayerTheSameStatisticsAsBn4j() {
        MultiLayerNetwork net = network(new BatchNormalization.Builder().decay(DECAY).build());
        List<DataSet> minibatches = minibatches(MINIBATCHES, 2);
        ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, WORKERS, WorkspaceMode.ENABLED, 0);
        // The built-in stores log10(std) and averages that, so its variance is a geometric rather than arithmetic
        // mean of the workers': close to, not equal to, the reference. 1e-2 relative covers that, not a lost update.
        RunningStats expected = averagedMovingAverage(minibatches);
        RunningStats stats = BuiltInStatistics.of(net.getLayer(0));
        for (int c = 0; c < MEANS.length; c++) {
            assertEquals(expected.mean()[c], stats.mean()[c], 1e-2 * expected.mean()[c],
                    "built-in mean of channel " + c);
            assertEquals(expected.var()[c], stats.var()[c], 1e-2 * expected.var()[c],
                    "built-in variance of channel " + c);
        }
    }

    // --- references ---

    /** The exact moving average over minibatches {@code first, first + step, ...}, from mean 0 and variance 1. */
    static RunningStats movingAverage(List<DataSet> minibatches, int first, int step) {
        double[] mean = new double[MEANS.length];
        double[] var = new double[MEANS.length];
        java.util.Arrays.fill(var, 1);
        for (int i = first; i < minibatches.size(); i += step) {
            double[][] batch = meanAndBiasedVariance(minibatches.get(i));
            for (int c = 0; c < mean.length; c++) {
                mean[c] = DECAY * mean[c] + (1 - DECAY) * batch[0][c];
                var[c] = DECAY * var[c] + (1 - DECAY) * batch[1][c];
            }
        }
        return RunningStats.of(mean, var, 0);
    }

    /** Parameter averaging after every round of {@link #WORKERS} minibatches: each worker steps, then the average. */
    static RunningStats averagedMovingAverage(List<DataSet> minibatches) {
        double[] mean = new double[MEANS.length];
        double[] var = new double[MEANS.length];
        java.util.Arrays.fill(var, 1);
        for (int round = 0; round + WORKERS <= minibatches.size(); round += WORKERS) {
            double[] nextMean = new double[mean.length];
            double[] nextVar = new double[var.length];
            for (int w = 0; w < WORKERS; w++) {
                double[][] batch = meanAndBiasedVariance(minibatches.get(round + w));
                for (int c = 0; c < mean.length; c++) {
                    nextMean[c] += (DECAY * mean[c] + (1 - DECAY) * batch[0][c]) / WORKERS;
                    nextVar[c] += (DECAY * var[c] + (1 - DECAY) * batch[1][c]) / WORKERS;
                }
            }
            mean = nextMean;
            var = nextVar;
        }
        return RunningStats.of(mean, var, 0);
    }

    static void assertStatistics(RunningStats expected, RunningStats actual, double tolerance, String mode) {
        double worst = 0;
        for (int c = 0; c < MEANS.length; c++) {
            assertTrue(Double.isFinite(actual.mean()[c]) && actual.var()[c] > 0,
                    mode + ": channel " + c + " " + actual);
            assertEquals(expected.mean()[c], actual.mean()[c], tolerance, mode + ": running mean of channel " + c);
            assertEquals(expected.var()[c], actual.var()[c], tolerance, mode + ": running variance of channel " + c);
            worst = Math.max(worst, Math.max(Math.abs(expected.mean()[c] - actual.mean()[c]),
                    Math.abs(expected.var()[c] - actual.var()[c])));
        }
        System.out.printf("%s: running statistics off the exact moving average by at most %.2e; mean %s, var %s%n",
                mode, worst, java.util.Arrays.toString(actual.mean()), java.util.Arrays.toString(actual.var()));
    }

    static RunningStats bn4jStatistics(MultiLayerNetwork net) {
        return ((BatchNormLayer) net.getLayer(0)).runningStats();
    }

    // --- set-up ---

    static BatchNorm bn4j() {
        return new BatchNorm.Builder().decay(DECAY).build();
    }

    /** BN -> dense tanh -> softmax, double precision, plain SGD. */
    static MultiLayerNetwork network(Layer bn) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.05)).list()
                .layer(bn)
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(MEANS.length)).build());
        net.init();
        return net;
    }

    /** Minibatches of {@link #BATCH} examples, channel c normal with mean {@code MEANS[c]} and std {@link #STD}. */
    static List<DataSet> minibatches(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[][] x = new double[BATCH][MEANS.length];
            double[][] labels = new double[BATCH][2];
            for (int n = 0; n < BATCH; n++) {
                for (int c = 0; c < MEANS.length; c++) {
                    x[n][c] = MEANS[c] + STD * gaussian(random);
                }
                labels[n][x[n][0] - x[n][1] + x[n][2] - x[n][3] > -2 ? 1 : 0] = 1;
            }
            minibatches.add(new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(labels)));
        }
        return minibatches;
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller: SplittableRandom has no nextGaussian before Java 17's RandomGenerator default
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /** @return per channel of the minibatch's features: {mean, biased variance}, two-pass in plain double */
    static double[][] meanAndBiasedVariance(DataSet minibatch) {
        double[][] x = minibatch.getFeatures().toDoubleMatrix();
        double[] mean = new double[x[0].length];
        double[] var = new double[x[0].length];
        for (double[] row : x) {
            for (int c = 0; c < mean.length; c++) {
                mean[c] += row[c] / x.length;
            }
        }
        for (double[] row : x) {
            for (int c = 0; c < mean.length; c++) {
                var[c] += (row[c] - mean[c]) * (row[c] - mean[c]) / x.length;
            }
        }
        return new double[][] {mean, var};
    }
}
