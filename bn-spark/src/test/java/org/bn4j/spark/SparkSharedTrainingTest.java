package org.bn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.bn4j.dl4j.BatchNorm;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.bn4j.dl4j.PreciseStatistics;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * bn4j's layer trained by dl4j-spark-parameterserver's {@link SharedTrainingMaster} (gradient sharing) in Spark local
 * mode, on the loopback interface. The driver's network changes only through the encoded gradient updates, so it never
 * sees the running statistics the workers keep: inference on it is refused with a message naming
 * {@link PreciseStatistics}, which then gives the population statistics of the final weights.
 */
class SparkSharedTrainingTest {
    private static final int WORKERS = 2;
    private static final int BATCH = 16;
    private static final int FEATURES = 4;
    private static final int CHANNELS = 3;

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        // nd4j-parameter-server's embedded Aeron media driver sets a 30 s client liveness timeout, and the Aeron on
        // the classpath refuses to start unless the publication unblock timeout (default 15 s) exceeds it.
        System.setProperty("aeron.publication.unblock.timeout", "60000000000");
        spark = LocalSpark.start("bn4j-spark-shared-test", WORKERS);
    }

    @AfterAll
    static void stopSpark() {
        spark = LocalSpark.stop(spark);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gradientSharingTrainsAndTheDriverRefusesInferenceUntilItsStatisticsAreRecomputed(@TempDir Path dir)
            throws IOException {
        MultiLayerNetwork net = network(new BatchNorm.Builder().build());
        List<DataSet> minibatches = minibatches(16, 21);
        DataSet all = DataSet.merge(minibatches);
        double before = net.score(all, true);

        MultiLayerNetwork trained = fit(net, minibatches, 4);

        double after = trained.score(all, true);
        System.out.printf("Spark SharedTrainingMaster: training-mode loss %.4f -> %.4f%n", before, after);
        assertTrue(after < 0.9 * before, "loss " + before + " -> " + after);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> trained.output(all.getFeatures()));
        assertTrue(refused.getMessage().contains("PreciseStatistics"), refused.getMessage());

        PreciseStatistics.builder().batches(minibatches.size()).build()
                .recompute(trained, new ExistingDataSetIterator(minibatches));

        // Algorithm 2 with the final weights: the mean of the batch means, the mean of the biased batch variances
        double[][] weights = trained.getLayer(0).getParam("W").toDoubleMatrix();
        double[] mean = new double[CHANNELS];
        double[] var = new double[CHANNELS];
        for (DataSet minibatch : minibatches) {
            double[][] stats = meanAndBiasedVariance(minibatch.getFeatures().toDoubleMatrix(), weights);
            for (int c = 0; c < CHANNELS; c++) {
                mean[c] += stats[0][c] / minibatches.size();
                var[c] += stats[1][c] / minibatches.size();
            }
        }
        assertArrayEquals(mean, trained.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector(), 1e-12);
        assertArrayEquals(var, trained.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector(), 1e-12);

        File file = dir.resolve("bn4j-shared.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
        assertArrayEquals(trained.params().toDoubleVector(), restored.params().toDoubleVector());
        assertArrayEquals(trained.output(all.getFeatures()).ravel().toDoubleVector(),
                restored.output(all.getFeatures()).ravel().toDoubleVector());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gradientSharingLeavesTheBuiltInLayersDriverStatisticsNearTheirInitialValues() {
        MultiLayerNetwork trained = fit(network(new BatchNormalization.Builder().useLogStd(false).build()),
                minibatches(16, 22), 4);

        double[] mean = trained.getLayer(1).getParam("mean").toDoubleVector();
        double[] var = trained.getLayer(1).getParam("var").toDoubleVector();
        double[] dataMean = {0, 0, 0};
        double[][] weights = trained.getLayer(0).getParam("W").toDoubleMatrix();
        for (DataSet minibatch : minibatches(16, 22)) {
            double[] m = meanAndBiasedVariance(minibatch.getFeatures().toDoubleMatrix(), weights)[0];
            for (int c = 0; c < CHANNELS; c++) {
                dataMean[c] += m[c] / 16;
            }
        }
        System.out.printf("built-in BN on the SharedTrainingMaster driver: mean %s (data %s), var %s%n",
                java.util.Arrays.toString(mean), java.util.Arrays.toString(dataMean), java.util.Arrays.toString(var));
        for (int c = 0; c < CHANNELS; c++) {
            // silently untrained: the driver's statistics stay closer to 0 than to the data's means
            assertTrue(Math.abs(mean[c]) < Math.abs(dataMean[c] - mean[c]), "channel " + c + ": " + mean[c]
                    + " vs data mean " + dataMean[c]);
        }
    }

    private static MultiLayerNetwork fit(MultiLayerNetwork net, List<DataSet> minibatches, int epochs) {
        VoidConfiguration voidConfiguration = VoidConfiguration.builder().unicastPort(40123)
                .controllerAddress("127.0.0.1").build();
        // One trainer per Spark executor: with workersPerNode(2), local mode hung in EncodedGradientsAccumulator
        // (one ParallelWrapper worker waiting for a consumer that never came), observed with DL4J 1.0.0-M2.
        SharedTrainingMaster master = new SharedTrainingMaster.Builder(voidConfiguration, WORKERS,
                new AdaptiveThresholdAlgorithm(1e-3), BATCH)
                .batchSizePerWorker(BATCH).workersPerNode(1).rngSeed(12345)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(spark, net, master);
        try {
            for (int epoch = 0; epoch < epochs; epoch++) {
                sparkNet.fit(spark.parallelize(minibatches, WORKERS));
            }
            return sparkNet.getNetwork();
        } finally {
            master.deleteTempFiles(spark);
        }
    }

    private static MultiLayerNetwork network(Layer bn) {
        return SmallNetwork.of(bn, FEATURES, CHANNELS);
    }

    /** Minibatches of {@link #BATCH}: features uniform in [1, 3) (so the linear layer's outputs have a nonzero mean). */
    private static List<DataSet> minibatches(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double[][] x = new double[BATCH][FEATURES];
            double[][] labels = new double[BATCH][2];
            for (int n = 0; n < BATCH; n++) {
                for (int f = 0; f < FEATURES; f++) {
                    x[n][f] = random.nextDouble(1, 3);
                }
                labels[n][x[n][0] - x[n][1] + 0.5 * x[n][2] - 0.5 * x[n][3] > 0 ? 1 : 0] = 1;
            }
            minibatches.add(new DataSet(Nd4j.createFromArray(x), Nd4j.createFromArray(labels)));
        }
        return minibatches;
    }

    /** @return per channel of {@code x W}: {mean, biased variance}, in plain double arithmetic */
    private static double[][] meanAndBiasedVariance(double[][] x, double[][] weights) {
        double[] mean = new double[CHANNELS];
        double[] var = new double[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            double[] z = new double[x.length];
            for (int n = 0; n < x.length; n++) {
                for (int f = 0; f < FEATURES; f++) {
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
