package org.bn4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** A Spark context in local mode that stays on the loopback interface, without its web UI. */
final class LocalSpark {
    private LocalSpark() {
    }

    /** @param threads executor threads, {@code local[threads]} */
    static JavaSparkContext start(String appName, int threads) {
        SparkConf conf = new SparkConf().setMaster("local[" + threads + "]").setAppName(appName)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1");
        return new JavaSparkContext(conf);
    }

    /** Stops {@code spark} if it was started; returns null, to clear the caller's field. */
    static JavaSparkContext stop(JavaSparkContext spark) {
        if (spark != null) {
            spark.stop();
        }
        return null;
    }
}
