package org.bn4j.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.bn4j.core.PopulationStats;
import org.bn4j.dl4j.NetworkPopulationStats;
import org.bn4j.dl4j.PreciseStatistics;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PreciseStatistics} on a Spark cluster: recomputes the running statistics of every bn4j BN layer of the
 * driver's network as population averages over an RDD of training batches, on the executors (the inference
 * statistics of the paper's Algorithm 2). This is the one call that makes a network trained with dl4j-spark's
 * {@code SharedTrainingMaster} usable on the driver, whose running statistics training never updates:
 *
 * <pre>
 * SparkPreciseStatistics.builder().build().recompute(sparkNet, trainingData);
 * sparkNet.getNetwork().output(features);   // inference with the population statistics of the final weights
 * </pre>
 *
 * <p>One Spark job: the network (configuration JSON and parameters) is broadcast; each partition builds its copy,
 * runs each of its batches forward in training mode with its feature masks, as {@link PreciseStatistics} does, and
 * adds every BN layer's batch statistics to a partial bn-core {@link PopulationStats} per layer (per channel: the
 * count, the sum of the values and the within-batch sum of squared deviations); the partials are combined with
 * {@code treeAggregate} by {@link PopulationStats#merge}, and the driver writes each layer's mean and variance
 * (unbiased or biased, as the layer's {@code unbiasedVariance} option says) into its MEAN and VAR parameters.
 * Nothing else in the network changes.
 * {@code PopulationStats} keeps exact sums, so neither the partitioning nor the order in which Spark merges the
 * partials changes a bit: the result is {@link PreciseStatistics}' on the driver over the same batches, wherever the
 * executors' forward passes give the driver's (the same ND4J backend). Batches are weighted by their value count, as
 * there.
 *
 * <p><b>One pass, not one job per BN depth.</b> Every BN layer gathers its statistics in the same pass, the layers
 * before it normalizing with their batch statistics (training mode). Algorithm 2 averages, for each BN layer, the
 * mini-batch statistics {@code mu_B} and {@code sigma_B^2} of its input over training mini-batches: the statistics
 * the layer normalized with during training, which exist only in training mode, where the earlier layers normalize
 * with theirs too. Its loop over the layers (steps 7-11) swaps each transform for its inference form as it goes,
 * which could be read as running the later layers behind earlier layers already in inference mode; but its
 * estimates are defined as averages of training mini-batch statistics, and those of layer {@code k} do not depend on
 * the inference form of the layers before {@code k}. Gathering them in one pass reads the data once instead of once
 * per BN depth, gives exactly what {@code PreciseStatistics} gives on one machine (and what training's moving
 * averages estimate), as PyTorch's {@code torch.optim.swa_utils.update_bn} and fvcore's {@code update_bn_stats} do.
 *
 * <ul>
 *   <li><b>Data.</b> Every batch of the RDD, in RDD order; {@link Builder#fraction(double)} first samples a fraction
 *       of them (without replacement, with {@link Builder#seed(long)}), then {@link Builder#batches(int)} keeps the
 *       first ones. A limit on the batches costs one more job, which reads each partition to number its batches
 *       ({@code zipWithIndex}): cache the RDD if building it is expensive. Labels are not read.</li>
 *   <li><b>Layers.</b> As {@link PreciseStatistics}: layers inside {@code FrozenLayer} or
 *       {@code FrozenLayerWithBackprop} and layers built with {@code frozenStatistics(true)} are left as they are,
 *       logged and listed in the returned {@link RecomputeSummary}; DL4J's built-in {@code BatchNormalization} is
 *       refused. Training-only randomness (dropout) differs from one run to the next, as on one machine.</li>
 *   <li><b>Errors.</b> Everything is checked before a parameter is written: an empty RDD (or sample), a network
 *       without a bn4j BN layer to recompute, or a batch the network refuses (wrong shape, non-finite statistics:
 *       the message names the partition, the batch and its feature shapes) throws {@link IllegalArgumentException}
 *       and leaves the network as it was.</li>
 * </ul>
 *
 * <p>Immutable and reusable. The driver's network must not be trained or used meanwhile.
 */
public final class SparkPreciseStatistics {
    private static final Logger log = LoggerFactory.getLogger(SparkPreciseStatistics.class);

    private final int batches;
    private final double fraction;
    private final long seed;

    private SparkPreciseStatistics(Builder builder) {
        this.batches = builder.batches;
        this.fraction = builder.fraction;
        this.seed = builder.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return the most batches one recompute averages; {@link Integer#MAX_VALUE} for all */
    public int batches() {
        return batches;
    }

    /** @return the fraction of the RDD's batches sampled before the limit on {@link #batches()}, in (0, 1] */
    public double fraction() {
        return fraction;
    }

    /** @return the seed of the sample of {@link #fraction()} */
    public long seed() {
        return seed;
    }

    /**
     * Recomputes the statistics of the BN layers of {@code net.getNetwork()}.
     *
     * @see #recompute(MultiLayerNetwork, JavaRDD)
     */
    public RecomputeSummary recompute(SparkDl4jMultiLayer net, JavaRDD<DataSet> data) {
        if (net == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        return recompute(net.getNetwork(), data);
    }

    /**
     * Recomputes the statistics of the BN layers of {@code net}, on the driver, from {@code data} on the executors.
     *
     * @param net  an initialized network with at least one bn4j BN layer that is not frozen
     * @param data the training batches, read as the class documentation says
     * @return how many batches the statistics average, and which layers were recomputed and which left alone
     * @throws IllegalArgumentException as the class documentation says; the network is then unchanged
     */
    public RecomputeSummary recompute(MultiLayerNetwork net, JavaRDD<DataSet> data) {
        NetworkPopulationStats driver = NetworkPopulationStats.of(net);
        return recompute(driver, NetworkCopy.of(net), batchesOf(data));
    }

    /**
     * Recomputes the statistics of the BN layers of {@code graph.getNetwork()}, a graph with one input.
     *
     * @see #recompute(ComputationGraph, JavaRDD)
     */
    public RecomputeSummary recompute(SparkComputationGraph graph, JavaRDD<DataSet> data) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        return recompute(graph.getNetwork(), data);
    }

    /**
     * Recomputes the statistics of the BN layers of {@code graph.getNetwork()}.
     *
     * @see #recomputeMulti(ComputationGraph, JavaRDD)
     */
    public RecomputeSummary recomputeMulti(SparkComputationGraph graph, JavaRDD<MultiDataSet> data) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        return recomputeMulti(graph.getNetwork(), data);
    }

    /**
     * Recomputes the statistics of the BN layers of a graph with one input.
     *
     * @see #recomputeMulti(ComputationGraph, JavaRDD)
     */
    public RecomputeSummary recompute(ComputationGraph graph, JavaRDD<DataSet> data) {
        return recomputeMulti(graph, batchesOf(data));
    }

    /**
     * Recomputes the statistics of the BN layers of {@code graph}, on the driver, from {@code data} on the
     * executors. Named apart from {@link #recompute(ComputationGraph, JavaRDD)} because Java erases the RDD's
     * element type.
     *
     * @param graph an initialized graph with at least one bn4j BN layer that is not frozen
     * @param data  the training batches, all the graph's inputs with their masks, read as the class documentation
     *              says
     * @return how many batches the statistics average, and which layers were recomputed and which left alone
     * @throws IllegalArgumentException as the class documentation says; the graph is then unchanged
     */
    public RecomputeSummary recomputeMulti(ComputationGraph graph, JavaRDD<MultiDataSet> data) {
        NetworkPopulationStats driver = NetworkPopulationStats.of(graph);
        return recompute(driver, NetworkCopy.of(graph), data);
    }

    private static JavaRDD<MultiDataSet> batchesOf(JavaRDD<DataSet> data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return data.map(DataSet::toMultiDataSet);
    }

    private RecomputeSummary recompute(NetworkPopulationStats driver, NetworkCopy network,
                                       JavaRDD<MultiDataSet> data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        JavaRDD<MultiDataSet> selected = select(data);
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(data.context());
        Broadcast<NetworkCopy> broadcast = spark.broadcast(network);
        try {
            List<PopulationStats> merged = selected.mapPartitionsWithIndex(new PartitionStatistics(broadcast), false)
                    .treeAggregate(driver.partials(), SparkPreciseStatistics::merge, SparkPreciseStatistics::merge);
            driver.merge(merged);
        } catch (Exception e) {
            throw unwrap(e);
        } finally {
            broadcast.destroy();
        }
        if (driver.batches() == 0) {
            throw new IllegalArgumentException("no batch to average: the RDD is empty"
                    + (fraction < 1 ? " or its sample (fraction " + fraction + ", seed " + seed + ") drew none" : ""));
        }
        driver.write();
        RecomputeSummary summary = new RecomputeSummary(driver.batches(), driver.layers(), driver.keptLayers());
        log.info("Precise statistics on Spark of {} BN layer(s) from {} batch(es)", summary.recomputedLayers().size(),
                summary.batches());
        if (!summary.keptLayers().isEmpty()) {
            log.info("Left as they were: {}", String.join("; ", summary.keptLayers()));
        }
        return summary;
    }

    /** @return the batches the options select, in RDD order */
    private JavaRDD<MultiDataSet> select(JavaRDD<MultiDataSet> data) {
        JavaRDD<MultiDataSet> sampled = fraction < 1 ? data.sample(false, fraction, seed) : data;
        if (batches == Integer.MAX_VALUE) {
            return sampled;
        }
        long limit = batches;
        return sampled.zipWithIndex().filter(numbered -> numbered._2() < limit).keys();
    }

    /** Merges {@code from} into {@code into}, layer by layer; returns {@code into}. */
    private static List<PopulationStats> merge(List<PopulationStats> into, List<PopulationStats> from) {
        for (int i = 0; i < into.size(); i++) {
            into.get(i).merge(from.get(i));
        }
        return into;
    }

    /** @return the failure of a batch on an executor as the driver's exception, or what Spark threw */
    private static RuntimeException unwrap(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof PartitionStatistics.BatchFailure) {
                return new IllegalArgumentException(cause.getMessage(), e);
            }
        }
        if (e instanceof RuntimeException) {
            return (RuntimeException) e;
        }
        // SparkException is checked, and Scala throws it undeclared
        return new IllegalStateException("the Spark job of the precise statistics failed: " + e.getMessage(), e);
    }

    /** Collects the options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int batches = Integer.MAX_VALUE;
        private double fraction = 1;
        private long seed = 12345;

        private Builder() {
        }

        /**
         * @param batches the most batches to average, &gt; 0: the first ones in RDD order (of the sample, with
         *                {@link #fraction(double)}); default: all (Algorithm 2 averages over the whole training set)
         */
        public Builder batches(int batches) {
            this.batches = batches;
            return this;
        }

        /**
         * @param fraction the expected fraction of the RDD's batches to sample, in (0, 1]: each batch is kept with
         *                 this probability ({@code JavaRDD.sample} without replacement); default 1, every batch
         */
        public Builder fraction(double fraction) {
            this.fraction = fraction;
            return this;
        }

        /** @param seed the seed of the {@link #fraction(double)} sample; default 12345, so that runs repeat */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @throws IllegalArgumentException naming the invalid option */
        public SparkPreciseStatistics build() {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be at least 1, got " + batches);
            }
            if (!(fraction > 0 && fraction <= 1)) {
                throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
            }
            return new SparkPreciseStatistics(this);
        }
    }
}
