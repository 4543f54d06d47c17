package org.bn4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.bn4j.dl4j.PreciseStatistics;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

/**
 * {@link SparkPreciseStatistics} under the serializer DL4J's Spark guide recommends (Kryo with ND4J's registrator):
 * the broadcast network, the batches and the partial statistics all travel through it.
 */
class SparkPreciseStatisticsKryoTest {
    private static JavaSparkContext spark;

    @BeforeAll
    static void startSpark() {
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("bn4j-spark-precise-statistics-kryo-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        spark = new JavaSparkContext(conf);
    }

    @AfterAll
    static void stopSpark() {
        spark = LocalSpark.stop(spark);
    }

    @Test
    void kryoSerializationGivesTheDriversStatistics() {
        MultiLayerNetwork net = StatisticsNetworks.dense(false);
        MultiLayerNetwork reference = net.clone();
        List<DataSet> batches = StatisticsNetworks.denseBatches(29);
        PreciseStatistics.builder().build().recompute(reference, new ExistingDataSetIterator(batches));

        RecomputeSummary summary = SparkPreciseStatistics.builder().build().recompute(net,
                spark.parallelize(batches, 4));

        assertEquals(batches.size(), summary.batches());
        for (int layer : new int[] {1, 4}) {
            for (String key : List.of(BatchNormParamInitializer.MEAN, BatchNormParamInitializer.VAR)) {
                assertArrayEquals(reference.getLayer(layer).getParam(key).toDoubleVector(),
                        net.getLayer(layer).getParam(key).toDoubleVector(), "layer " + layer + " " + key);
            }
        }
    }
}
