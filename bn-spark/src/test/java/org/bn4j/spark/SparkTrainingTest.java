package org.bn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.bn4j.dl4j.BatchNorm;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * bn4j's layer trained by dl4j-spark's {@link ParameterAveragingTrainingMaster} on 2 workers in Spark local mode.
 * Each worker fits its own minibatches with its own batch statistics; after each averaging round the parameters,
 * BN's running mean and variance among them, are averaged over the workers.
 */
class SparkTrainingTest {
    private static final int WORKERS = 2;
    private static final int BATCH_PER_WORKER = 8;
    private static final int FEATURES = 4;
    private static final int CHANNELS = 3;
    private static final double DECAY = 0.9;

    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = LocalSpark.start("bn4j-spark-test", WORKERS);
    }

    @AfterAll
    static void stopSpark() {
        spark = LocalSpark.stop(spark);
    }

    @Test
    void oneAveragingRoundGivesTheRunningMeanOfTheWholeRound() {
        MultiLayerNetwork net = network();
        double[][] weights = net.getLayer(0).getParam("W").toDoubleMatrix();
        List<DataSet> examples = examples(WORKERS * BATCH_PER_WORKER, 7);
        double[] roundMean = channelMeans(examples, weights);

        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(spark, net, trainingMaster());
        MultiLayerNetwork trained = sparkNet.fit(spark.parallelize(examples, WORKERS));

        // Whichever examples each worker got, two workers of 8 examples each average to the whole round's mean.
        double[] mean = trained.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
        double[] var = trained.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector();
        for (int c = 0; c < CHANNELS; c++) {
            assertEquals((1 - DECAY) * roundMean[c], mean[c], 1e-12, "running mean of channel " + c);
            assertTrue(Double.isFinite(var[c]) && var[c] != 1.0, "running variance of channel " + c + ": " + var[c]);
        }
    }

    @Test
    void trainingLowersTheLossAndMovesTheRunningStatistics() {
        MultiLayerNetwork net = network();
        List<DataSet> examples = examples(8 * WORKERS * BATCH_PER_WORKER, 11);
        JavaRDD<DataSet> data = spark.parallelize(examples, WORKERS);
        SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(spark, net, trainingMaster());
        double before = sparkNet.calculateScore(data, true);

        for (int epoch = 0; epoch < 5; epoch++) {
            sparkNet.fit(data);
        }

        double after = sparkNet.calculateScore(data, true);
        System.out.printf("Spark training: loss %.4f -> %.4f%n", before, after);
        assertTrue(after < 0.9 * before, "loss " + before + " -> " + after);
        MultiLayerNetwork trained = sparkNet.getNetwork();
        double[] mean = trained.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector();
        double[] var = trained.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector();
        for (int c = 0; c < CHANNELS; c++) {
            assertTrue(Double.isFinite(mean[c]) && Math.abs(mean[c]) > 1e-3, "mean of channel " + c + ": " + mean[c]);
            assertTrue(Double.isFinite(var[c]) && var[c] > 0 && Math.abs(var[c] - 1) > 1e-3,
                    "variance of channel " + c + ": " + var[c]);
        }
    }

    @Test
    void aNetworkTrainedOnSparkSavesAndRestores(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = network();
        JavaRDD<DataSet> data = spark.parallelize(examples(4 * WORKERS * BATCH_PER_WORKER, 13), WORKERS);
        MultiLayerNetwork trained = new SparkDl4jMultiLayer(spark, net, trainingMaster()).fit(data);

        File file = dir.resolve("bn4j-spark.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);

        INDArray input = Nd4j.rand(DataType.DOUBLE, 5, FEATURES);
        assertArrayEquals(trained.params().toDoubleVector(), restored.params().toDoubleVector());
        assertArrayEquals(trained.output(input).ravel().toDoubleVector(),
                restored.output(input).ravel().toDoubleVector());
    }

    private static ParameterAveragingTrainingMaster trainingMaster() {
        // Each RDD element is one example; every round gives each worker one minibatch, then averages.
        return new ParameterAveragingTrainingMaster.Builder(WORKERS, 1).batchSizePerWorker(BATCH_PER_WORKER)
                .averagingFrequency(1).workerPrefetchNumBatches(0).rngSeed(12345)
                .rddTrainingApproach(RDDTrainingApproach.Direct).build();
    }

    /** {@link SmallNetwork} with bn4j's BN. */
    private static MultiLayerNetwork network() {
        return SmallNetwork.of(new BatchNorm.Builder().decay(DECAY).build(), FEATURES, CHANNELS);
    }

    /** Single-example data sets: features uniform in [0, 2) (so the linear layer's outputs have a nonzero mean). */
    private static List<DataSet> examples(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<DataSet> examples = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            double[] x = new double[FEATURES];
            for (int f = 0; f < FEATURES; f++) {
                x[f] = random.nextDouble(0, 2);
            }
            double[] label = new double[2];
            label[x[0] - x[1] + 0.5 * x[2] - 0.5 * x[3] > 0 ? 1 : 0] = 1;
            examples.add(new DataSet(Nd4j.createFromArray(new double[][] {x}),
                    Nd4j.createFromArray(new double[][] {label})));
        }
        return examples;
    }

    /** @return per channel, the mean of {@code x W} over all examples, in plain double arithmetic */
    private static double[] channelMeans(List<DataSet> examples, double[][] weights) {
        double[] mean = new double[CHANNELS];
        for (DataSet example : examples) {
            double[] x = example.getFeatures().toDoubleVector();
            for (int c = 0; c < CHANNELS; c++) {
                double z = 0;
                for (int f = 0; f < FEATURES; f++) {
                    z += x[f] * weights[f][c];
                }
                mean[c] += z / examples.size();
            }
        }
        return mean;
    }
}
