package org.bn4j.spark;

import static org.bn4j.spark.SharedTraining.CHANNELS;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Why bn4j refuses inference on a gradient-sharing driver: DL4J's built-in layer, trained the same way, keeps the
 * driver's running statistics near their initial values and answers with them, silently.
 */
class SparkSharedTrainingBuiltInLayerTest {
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        spark = SharedTraining.startSpark("bn4j-spark-shared-builtin-test");
    }

    @AfterAll
    static void stopSpark() {
        spark = LocalSpark.stop(spark);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gradientSharingLeavesTheBuiltInLayersDriverStatisticsNearTheirInitialValues() {
        List<DataSet> minibatches = SharedTraining.minibatches(16, 22);
        MultiLayerNetwork trained = SharedTraining.fit(spark,
                SharedTraining.network(new BatchNormalization.Builder().useLogStd(false).build()), minibatches, 4);

        double[] mean = trained.getLayer(1).getParam("mean").toDoubleVector();
        double[] var = trained.getLayer(1).getParam("var").toDoubleVector();
        double[] dataMean = new double[CHANNELS];
        double[][] weights = trained.getLayer(0).getParam("W").toDoubleMatrix();
        for (DataSet minibatch : minibatches) {
            double[] m = SharedTraining.meanAndBiasedVariance(minibatch.getFeatures().toDoubleMatrix(), weights)[0];
            for (int c = 0; c < CHANNELS; c++) {
                dataMean[c] += m[c] / minibatches.size();
            }
        }
        System.out.printf("built-in BN on the SharedTrainingMaster driver: mean %s (data %s), var %s%n",
                Arrays.toString(mean), Arrays.toString(dataMean), Arrays.toString(var));
        for (int c = 0; c < CHANNELS; c++) {
            // silently untrained: the driver's statistics stay closer to 0 than to the data's means
            assertTrue(Math.abs(mean[c]) < Math.abs(dataMean[c] - mean[c]), "channel " + c + ": " + mean[c]
                    + " vs data mean " + dataMean[c]);
        }
    }
}
