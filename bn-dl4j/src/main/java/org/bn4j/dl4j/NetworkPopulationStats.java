package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.bn4j.core.BatchStats;
import org.bn4j.core.PopulationStats;
import org.bn4j.core.RunningStats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.FrozenLayer;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * The population statistics ({@link PopulationStats}) of the inputs of each {@link BatchNorm} layer of one network,
 * over the batches {@link #add added} so far, and their {@link #write} into the layers' MEAN and VAR parameters: the
 * work of {@link PreciseStatistics}, for callers that read the data elsewhere. A cluster runs one per worker on its
 * copy of the network, sends the {@link #partials()} back, and the driver {@link #merge merges} them into its own
 * before writing (bn-spark's {@code SparkPreciseStatistics}).
 *
 * <p>Which layers are covered, and how a batch runs, is what {@link PreciseStatistics} documents: every bn4j BN layer
 * in network order, the forward pass in training mode with feature masks, frozen layers and layers with
 * {@code frozenStatistics} left as they are ({@link #keptLayers()}), DL4J's built-in layer refused.
 *
 * <p>Mutable and not thread-safe; the network must not be trained or used elsewhere meanwhile.
 */
public final class NetworkPopulationStats {
    private final List<Target> targets;
    private final List<String> kept;
    private final Consumer<MultiDataSet> forward;
    /** Batches added here (merged partials not included), to number them in error messages. */
    private long added;

    private NetworkPopulationStats(Layer[] layers, Consumer<MultiDataSet> forward) {
        this.kept = new ArrayList<>();
        this.targets = targets(layers, kept);
        this.forward = forward;
    }

    /**
     * @param net an initialized network with at least one {@link BatchNorm} layer that is not frozen
     * @return empty statistics for its BN layers; batches run through {@code net} with their first features and mask
     * @throws IllegalArgumentException if the network has a built-in BatchNormalization layer or no BN layer to
     *                                  recompute
     */
    public static NetworkPopulationStats of(MultiLayerNetwork net) {
        if (net == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        if (net.getLayers() == null) {
            throw new IllegalStateException("the network is not initialized: call init() first");
        }
        return new NetworkPopulationStats(net.getLayers(),
                batch -> net.output(batch.getFeatures(0), true, batch.getFeaturesMaskArray(0), null));
    }

    /**
     * @param graph an initialized graph with at least one {@link BatchNorm} layer that is not frozen
     * @return empty statistics for its BN layers
     * @throws IllegalArgumentException as {@link #of(MultiLayerNetwork)} does
     */
    public static NetworkPopulationStats of(ComputationGraph graph) {
        if (graph == null) {
            throw new IllegalArgumentException("graph must not be null");
        }
        if (graph.getLayers() == null) {
            throw new IllegalStateException("the graph is not initialized: call init() first");
        }
        return new NetworkPopulationStats(graph.getLayers(),
                batch -> graph.output(true, batch.getFeatures(), batch.getFeaturesMaskArrays(), null));
    }

    /**
     * Runs {@code batch} through the network in training mode and adds each BN layer's batch statistics. Only the
     * accumulators change; the network's parameters do not.
     *
     * @throws IllegalArgumentException if a layer's statistics are not finite, naming the layer
     * @throws IllegalStateException    if the forward pass left a BN layer without batch statistics
     */
    public void add(MultiDataSet batch) {
        if (batch == null) {
            throw new IllegalArgumentException("batch must not be null");
        }
        for (Target target : targets) {
            target.before = target.layer.lastBatchStats();
        }
        forward.accept(batch);
        added++;
        for (Target target : targets) {
            target.addLastBatch(added);
        }
    }

    /** @return the layers whose statistics are gathered, {@code BatchNorm layer "name" (index i)}, network order */
    public List<String> layers() {
        List<String> names = new ArrayList<>();
        for (Target target : targets) {
            names.add(target.layer.where());
        }
        return names;
    }

    /** @return the bn4j BN layers left as they are, each with the reason, in network order */
    public List<String> keptLayers() {
        return List.copyOf(kept);
    }

    /** @return copies of the accumulators, one per layer of {@link #layers()}, in that order */
    public List<PopulationStats> partials() {
        List<PopulationStats> partials = new ArrayList<>();
        for (Target target : targets) {
            PopulationStats copy = new PopulationStats(target.population.channels());
            copy.merge(target.population);
            partials.add(copy);
        }
        return partials;
    }

    /**
     * Folds in the {@link #partials()} of the same network's layers gathered elsewhere.
     *
     * @throws IllegalArgumentException if {@code partials} does not have one accumulator per layer, or one has
     *                                  another channel count
     */
    public void merge(List<PopulationStats> partials) {
        if (partials == null || partials.size() != targets.size()) {
            throw new IllegalArgumentException("expected population statistics for " + targets.size()
                    + " BN layer(s), got " + (partials == null ? "none" : partials.size()));
        }
        for (int i = 0; i < targets.size(); i++) {
            if (partials.get(i).channels() != targets.get(i).population.channels()) {
                throw new IllegalArgumentException(targets.get(i).layer.where() + " has "
                        + targets.get(i).population.channels() + " channels but its population statistics have "
                        + partials.get(i).channels());
            }
        }
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).population.merge(partials.get(i));
        }
    }

    /** @return how many batches the statistics average, merged partials included */
    public long batches() {
        return targets.get(0).population.batches();
    }

    /**
     * Writes each layer's population mean and variance (the variance its {@code runningVariance} option says) into
     * its MEAN and VAR parameters: every estimate first, then every write, so a failure changes nothing.
     *
     * @throws IllegalStateException if no batch has been added or merged
     */
    public void write() {
        if (batches() == 0) {
            throw new IllegalStateException("no batch statistics added: no population statistics to write");
        }
        List<RunningStats> estimates = new ArrayList<>();
        for (Target target : targets) {
            estimates.add(target.estimate());
        }
        for (int i = 0; i < targets.size(); i++) {
            targets.get(i).write(estimates.get(i));
        }
    }

    /** @return one accumulator per BN layer to recompute, in network order; fails on built-in BN layers */
    private static List<Target> targets(Layer[] layers, List<String> kept) {
        List<Target> targets = new ArrayList<>();
        List<String> builtIn = new ArrayList<>();
        for (Layer layer : layers) {
            Layer inner = layer;
            boolean frozen = false;
            while (inner instanceof BaseWrapperLayer) {
                frozen |= inner instanceof FrozenLayer || inner instanceof FrozenLayerWithBackprop;
                inner = ((BaseWrapperLayer) inner).getUnderlying();
            }
            if (inner instanceof BatchNormLayer) {
                BatchNormLayer bn = (BatchNormLayer) inner;
                if (frozen) {
                    kept.add(bn.where() + ": inside a frozen layer");
                } else if (bn.layerConf().isFrozenStatistics()) {
                    kept.add(bn.where() + ": frozenStatistics");
                } else {
                    targets.add(new Target(bn));
                }
            } else if (inner instanceof org.deeplearning4j.nn.layers.normalization.BatchNormalization && !frozen) {
                builtIn.add("\"" + inner.conf().getLayer().getLayerName() + "\" (index " + inner.getIndex() + ")");
            }
        }
        if (!builtIn.isEmpty()) {
            throw new IllegalArgumentException("precise statistics cover bn4j BatchNorm layers only, but the network "
                    + "has DL4J's built-in BatchNormalization " + String.join(", ", builtIn)
                    + "; replace them first with BatchNormSwap.replaceBuiltIn(network)");
        }
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("the network has no bn4j BatchNorm layer whose statistics could be "
                    + "recomputed (frozen layers keep theirs)"
                    + (kept.isEmpty() ? "" : ": " + String.join(", ", kept)));
        }
        return targets;
    }

    /** One BN layer and the population statistics of its inputs so far. */
    private static final class Target {
        final BatchNormLayer layer;
        final PopulationStats population;
        /** The layer's batch statistics before the current forward pass, to tell them from the new ones. */
        BatchStats before;

        Target(BatchNormLayer layer) {
            this.layer = layer;
            this.population = new PopulationStats((int) layer.layerConf().getNOut());
        }

        void addLastBatch(long batch) {
            BatchStats stats = layer.lastBatchStats();
            if (stats == null || stats == before) {
                throw new IllegalStateException(layer.where() + " computed no batch statistics in batch " + batch
                        + ": the training-mode forward pass did not run it");
            }
            try {
                population.add(stats);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(layer.where() + ", batch " + batch + ": " + e.getMessage(), e);
            }
        }

        RunningStats estimate() {
            return population.estimate(layer.layerConf().toCoreConfig().runningVariance());
        }

        /** Writes into the parameter views in place, so that the network's flat parameters see the values. */
        void write(RunningStats estimate) {
            NdBuffers.write(layer.getParam(BatchNormParamInitializer.MEAN), estimate.mean());
            NdBuffers.write(layer.getParam(BatchNormParamInitializer.VAR), estimate.var());
        }
    }
}
