/**
 * bn-dl4j on Spark: {@link org.bn4j.spark.SparkPreciseStatistics} recomputes the BN layers' population statistics
 * of a network trained with dl4j-spark on the executors. Spark glue only: the statistics are bn-core's
 * {@code PopulationStats}, gathered per network by bn-dl4j's {@code NetworkPopulationStats}.
 */
package org.bn4j.spark;
