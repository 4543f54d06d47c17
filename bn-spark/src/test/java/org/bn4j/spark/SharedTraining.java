package org.bn4j.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * Gradient-sharing training ({@link SharedTrainingMaster}) of a {@link SmallNetwork} in Spark local mode, and the data
 * the shared-training tests fit.
 *
 * <p>Spark runs one task at a time ({@link #EXECUTOR_THREADS}). DL4J 1.0.0-M2 keeps one {@code SharedTrainingWrapper}
 * per JVM: the first task of a round trains, tasks that arrive meanwhile only hand it their data and wait. A task that
 * arrived just as the training task had drained the data, and before that task let go, waited forever (seen in about
 * one run in ten with two executor threads).
 */
final class SharedTraining {
    /** Spark's executor threads, {@code local[1]}: see the class comment. */
    static final int EXECUTOR_THREADS = 1;
    /** The workers {@link SharedTrainingMaster} splits the data for. */
    static final int WORKERS = 2;
    static final int BATCH = 16;
    static final int FEATURES = 4;
    static final int CHANNELS = 3;

    private SharedTraining() {
    }

    /**
     * Sets what nd4j-parameter-server's embedded Aeron media driver needs. The
     * driver sets a 30 s client liveness timeout, and the Aeron on the classpath refuses to start unless the publication
     * unblock timeout (default 15 s) exceeds it.
     */
    private static void configureTransport() {
        System.setProperty("aeron.publication.unblock.timeout", "60000000000");
    }

    /** @param bn the BN layer (bn4j's or DL4J's built-in), as layer 1 */
    static MultiLayerNetwork network(Layer bn) {
        return SmallNetwork.of(bn, FEATURES, CHANNELS);
    }

    /** A local Spark context of {@link #EXECUTOR_THREADS}, with the Aeron settings DL4J's transport needs. */
    static JavaSparkContext startSpark(String appName) {
        configureTransport();
        return LocalSpark.start(appName, EXECUTOR_THREADS);
    }

    /** Fits {@code net} for {@code epochs} passes over {@code minibatches}; returns the driver's network. */
    static MultiLayerNetwork fit(JavaSparkContext spark, MultiLayerNetwork net, List<DataSet> minibatches, int epochs) {
        return fitOnSpark(spark, net, minibatches, epochs).getNetwork();
    }

    /** Fits {@code net} for {@code epochs} passes over {@code minibatches}; returns the Spark network. */
    static SparkDl4jMultiLayer fitOnSpark(JavaSparkContext spark, MultiLayerNetwork net, List<DataSet> minibatches,
                                          int epochs) {
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
            return sparkNet;
        } finally {
            master.deleteTempFiles(spark);
        }
    }

    /** Minibatches of {@link #BATCH}: features uniform in [1, 3) (so the linear layer's outputs have a nonzero mean). */
    static List<DataSet> minibatches(int count, long seed) {
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
    static double[][] meanAndBiasedVariance(double[][] x, double[][] weights) {
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
