package org.bn4j.dl4j;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.bn4j.core.PopulationStats;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recomputes the running statistics of every {@link BatchNorm} layer of a trained network as population averages
 * over batches of data: the inference statistics of the paper's Algorithm 2, also known as "precise BN". The
 * moving averages kept during training lag behind the weights and mix statistics of older weights; these are
 * the statistics of the final weights. The averaging ({@link PopulationStats}) weights each batch by its value
 * count and keeps the variance each layer's {@code runningVariance} option says.
 *
 * <pre>
 * PreciseStatistics precise = PreciseStatistics.builder().batches(200).build();
 * int used = precise.recompute(net, trainData);   // the MEAN and VAR parameters now hold the new statistics
 * </pre>
 *
 * <p>For each batch the network runs forward in training mode, as in training, so that each BN layer sees the
 * inputs it was trained on (dropout and other training-only behaviour included), and each layer's batch
 * statistics are added to its population estimate. There is no backprop and no update: only the MEAN and VAR
 * parameters of the BN layers change, written once at the end, after every batch succeeded. Other parameters,
 * updater state and iteration and epoch counts are left as they were. Training-mode layers that draw random
 * numbers (dropout) advance ND4J's global random generator, as any training-mode forward pass does.
 *
 * <ul>
 *   <li><b>Data.</b> The iterator is read from where it stands, as DL4J's {@code fit} and {@code evaluate} do: it
 *       is reset first only if it has no next batch and supports resetting. Reading stops after
 *       {@link Builder#batches(int)} batches or when the iterator runs out, whichever comes first; the number used
 *       is returned. Feature masks are applied; labels are not read.</li>
 *   <li><b>Frozen layers</b> ({@code FrozenLayer}, {@code FrozenLayerWithBackprop}) keep their statistics: freezing
 *       fixes all of a layer's parameters, and DL4J runs frozen layers in inference mode, so they compute no batch
 *       statistics. So do layers built with {@code frozenStatistics(true)}. Layers inside other wrappers (such as {@code TimeDistributed}) are recomputed, and so are
 *       graph layers on a branch that leads to no output (DL4J's graph runs every vertex).</li>
 *   <li><b>DL4J's built-in {@code BatchNormalization}</b> is refused with an error naming the layers, rather than
 *       left with its old statistics while the others change: replace it first with
 *       {@link BatchNormSwap#replaceBuiltIn(MultiLayerNetwork)}.</li>
 * </ul>
 *
 * <p>The per-layer accumulation is {@link NetworkPopulationStats}; bn-spark's {@code SparkPreciseStatistics} runs it
 * on a Spark cluster's executors, over an RDD, with the same result.
 *
 * <p>Immutable and reusable; a network must not be trained or used from another thread during a recompute.
 */
public final class PreciseStatistics {
    private static final Logger log = LoggerFactory.getLogger(PreciseStatistics.class);

    private final int batches;
    private final boolean showProgress;

    private PreciseStatistics(Builder builder) {
        this.batches = builder.batches;
        this.showProgress = builder.showProgress;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** @return the most batches one recompute reads; {@link Integer#MAX_VALUE} reads until the iterator runs out */
    public int batches() {
        return batches;
    }

    /** @return true if a recompute shows a progress bar on standard error */
    public boolean showsProgress() {
        return showProgress;
    }

    /**
     * Recomputes the running statistics of every BN layer of {@code net} from {@code data}.
     *
     * @param net  an initialized network with at least one {@link BatchNorm} layer that is not frozen
     * @param data the batches; read as the class documentation says
     * @return the number of batches the statistics average
     * @throws IllegalArgumentException if the network has a built-in BatchNormalization layer, no BN layer to
     *                                  recompute, or the iterator gives no batch; or a batch fails in a layer
     *                                  (then no parameter has changed)
     */
    public int recompute(MultiLayerNetwork net, DataSetIterator data) {
        if (net == null || data == null) {
            throw new IllegalArgumentException("network and data must not be null");
        }
        // The adapter hands each DataSet over as a MultiDataSet with one input.
        return recompute(NetworkPopulationStats.of(net), new MultiDataSetIteratorAdapter(data));
    }

    /**
     * Recomputes the running statistics of every BN layer of a graph with one input.
     *
     * @see #recompute(ComputationGraph, MultiDataSetIterator)
     */
    public int recompute(ComputationGraph graph, DataSetIterator data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        return recompute(graph, new MultiDataSetIteratorAdapter(data));
    }

    /**
     * Recomputes the running statistics of every BN layer of {@code graph} from {@code data}.
     *
     * @param graph an initialized graph with at least one {@link BatchNorm} layer that is not frozen
     * @param data  the batches; read as the class documentation says
     * @return the number of batches the statistics average
     * @throws IllegalArgumentException as {@link #recompute(MultiLayerNetwork, DataSetIterator)} does
     * @throws IllegalStateException    if a forward pass left a BN layer without batch statistics (then no
     *                                  parameter has changed)
     */
    public int recompute(ComputationGraph graph, MultiDataSetIterator data) {
        if (graph == null || data == null) {
            throw new IllegalArgumentException("graph and data must not be null");
        }
        return recompute(NetworkPopulationStats.of(graph), data);
    }

    private int recompute(NetworkPopulationStats populations, MultiDataSetIterator data) {
        if (!data.hasNext() && data.resetSupported()) {
            data.reset();
        }
        if (!data.hasNext()) {
            throw new IllegalArgumentException("the iterator gives no batch"
                    + (data.resetSupported() ? ", even after a reset" : " and does not support resetting"));
        }
        int used = 0;
        try (ProgressBar progress = showProgress ? progressBar() : null) {
            while (used < batches && data.hasNext()) {
                populations.add(data.next());
                used++;
                if (progress != null) {
                    progress.step();
                }
            }
        }
        populations.write();
        int layers = populations.layers().size();
        if (used < batches && batches != Integer.MAX_VALUE) {
            log.info(
                    "Precise statistics of {} BN layer(s) from {} batch(es): the iterator ran out before the {} asked for",
                    layers, used, batches);
        } else {
            log.info("Precise statistics of {} BN layer(s) from {} batch(es)", layers, used);
        }
        if (!populations.keptLayers().isEmpty()) {
            log.info("Left as they were: {}", String.join("; ", populations.keptLayers()));
        }
        return used;
    }

    private ProgressBar progressBar() {
        return new ProgressBarBuilder().setTaskName("Precise BN statistics")
                .setInitialMax(batches == Integer.MAX_VALUE ? -1 : batches)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" batches", 1).showSpeed().setUpdateIntervalMillis(500)
                // System.err as it is now, so that an application's redirection applies (the default is file descriptor 2)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    /** Collects the options; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int batches = Integer.MAX_VALUE;
        private boolean showProgress = false;

        private Builder() {
        }

        /**
         * @param batches the most batches to average, &gt; 0; default: every batch the iterator gives (Algorithm 2
         *                averages over the whole training set)
         */
        public Builder batches(int batches) {
            this.batches = batches;
            return this;
        }

        /** @param showProgress true for a progress bar on standard error, with rate and time left; default off */
        public Builder showProgress(boolean showProgress) {
            this.showProgress = showProgress;
            return this;
        }

        /** @throws IllegalArgumentException naming the invalid option */
        public PreciseStatistics build() {
            if (batches < 1) {
                throw new IllegalArgumentException("batches must be at least 1, got " + batches);
            }
            return new PreciseStatistics(this);
        }
    }
}
