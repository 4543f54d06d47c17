package org.bn4j.spark;

import static org.bn4j.spark.SharedTraining.CHANNELS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.bn4j.dl4j.BatchNorm;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.bn4j.dl4j.PreciseStatistics;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * bn4j's layer trained by dl4j-spark-parameterserver's {@link SharedTrainingMaster} (gradient sharing) in Spark local
 * mode, on the loopback interface. The driver's network changes only through the encoded gradient updates, so it never
 * sees the running statistics the workers keep: inference on it is refused with a message naming
 * {@link PreciseStatistics} and {@link SparkPreciseStatistics}; the latter, one call on the cluster, then gives the
 * population statistics of the final weights, as the former gives them on the driver.
 */
class SparkSharedTrainingTest {
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedTraining.startSpark("bn4j-spark-shared-test");
    }

    @AfterAll
    static void stopSpark() {
        spark = LocalSpark.stop(spark);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gradientSharingTrainsAndTheDriverRefusesInferenceUntilItsStatisticsAreRecomputed(@TempDir Path dir)
            throws IOException {
        MultiLayerNetwork net = SharedTraining.network(new BatchNorm.Builder().build());
        List<DataSet> minibatches = SharedTraining.minibatches(16, 21);
        DataSet all = DataSet.merge(minibatches);
        double before = net.score(all, true);

        SparkDl4jMultiLayer sparkNet = SharedTraining.fitOnSpark(spark, net, minibatches, 4);
        MultiLayerNetwork trained = sparkNet.getNetwork();

        double after = trained.score(all, true);
        System.out.printf("Spark SharedTrainingMaster: training-mode loss %.4f -> %.4f%n", before, after);
        assertTrue(after < 0.9 * before, "loss " + before + " -> " + after);
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> trained.output(all.getFeatures()));
        assertTrue(refused.getMessage().contains("PreciseStatistics.builder()")
                && refused.getMessage().contains("SparkPreciseStatistics.builder()"), refused.getMessage());
        MultiLayerNetwork recomputedOnTheDriver = trained.clone();
        PreciseStatistics.builder().build()
                .recompute(recomputedOnTheDriver, new ExistingDataSetIterator(minibatches));
        JavaRDD<DataSet> trainingData = spark.parallelize(minibatches, SharedTraining.WORKERS);

        // tag::spark-precise-statistics[]
        SparkPreciseStatistics.builder().build().recompute(sparkNet, trainingData);
        // end::spark-precise-statistics[]

        // Algorithm 2 with the final weights: the mean of the batch means, the mean of the biased batch variances
        double[][] weights = trained.getLayer(0).getParam("W").toDoubleMatrix();
        double[] mean = new double[CHANNELS];
        double[] var = new double[CHANNELS];
        for (DataSet minibatch : minibatches) {
            double[][] stats = SharedTraining.meanAndBiasedVariance(minibatch.getFeatures().toDoubleMatrix(), weights);
            for (int c = 0; c < CHANNELS; c++) {
                mean[c] += stats[0][c] / minibatches.size();
                var[c] += stats[1][c] / minibatches.size();
            }
        }
        assertArrayEquals(mean, trained.getLayer(1).getParam(BatchNormParamInitializer.MEAN).toDoubleVector(), 1e-12);
        assertArrayEquals(var, trained.getLayer(1).getParam(BatchNormParamInitializer.VAR).toDoubleVector(), 1e-12);
        assertArrayEquals(recomputedOnTheDriver.getLayer(1).params().toDoubleVector(),
                trained.getLayer(1).params().toDoubleVector(), "BN parameters: those of the driver's recompute");
        assertArrayEquals(recomputedOnTheDriver.output(all.getFeatures()).ravel().toDoubleVector(),
                trained.output(all.getFeatures()).ravel().toDoubleVector(), 1e-12);

        File file = dir.resolve("bn4j-shared.zip").toFile();
        ModelSerializer.writeModel(trained, file, true);
        MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
        assertArrayEquals(trained.params().toDoubleVector(), restored.params().toDoubleVector());
        assertArrayEquals(trained.output(all.getFeatures()).ravel().toDoubleVector(),
                restored.output(all.getFeatures()).ravel().toDoubleVector());
    }
}
