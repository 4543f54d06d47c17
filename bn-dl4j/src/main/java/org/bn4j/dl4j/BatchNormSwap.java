package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.bn4j.core.RunningStats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Swaps batch normalization layers between DL4J's built-in {@link BatchNormalization} and bn4j's {@link BatchNorm}
 * in a network, for example a restored saved model. The result is a new network with the same configuration
 * otherwise; parameters, running statistics (converted between the built-in's {@code log10stdev} and a variance),
 * updater state and iteration counts are carried over, so inference gives the same outputs and training continues
 * where it was. The original network is not modified. DL4J's layer ignores the activation in its configuration
 * (often the network's default, sigmoid), so layers swapped in from it get identity, and one log line (WARN) names
 * the layers whose activation DL4J was ignoring.
 *
 * <pre>
 * MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
 * MultiLayerNetwork faster = BatchNormSwap.replaceBuiltIn(restored);
 * MultiLayerNetwork withoutBn4j = BatchNormSwap.toBuiltIn(faster);
 * </pre>
 */
public final class BatchNormSwap {
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormSwap.class);

    private BatchNormSwap() {
    }

    /** @return a copy of {@code net} with every built-in BN layer replaced; the same network if it has none */
    public static MultiLayerNetwork replaceBuiltIn(MultiLayerNetwork net) {
        return swap(net, Direction.TO_BN4J);
    }

    /** @return a copy of {@code graph} with every built-in BN layer replaced; the same graph if it has none */
    public static ComputationGraph replaceBuiltIn(ComputationGraph graph) {
        return swap(graph, Direction.TO_BN4J);
    }

    /**
     * The way back: replaces every bn4j {@link BatchNorm} layer with DL4J's built-in layer (storing its variance as
     * {@code log10stdev}, the built-in's default), so the network runs where bn4j is not on the classpath. DL4J's
     * layer must compute what each one computes, in inference and in training: [N, C] or image input, identity
     * activation, an exponential average of the biased variance, no renormalization, ghost batches or frozen
     * options, locked gamma and beta only as DL4J applies them, and no wrapper around the layer.
     *
     * @return a copy of {@code net} with every bn4j BN layer replaced; the same network if it has none
     * @throws IllegalArgumentException naming each layer DL4J's layer cannot stand in for, and why; then nothing
     *                                  has changed
     */
    public static MultiLayerNetwork toBuiltIn(MultiLayerNetwork net) {
        return swap(net, Direction.TO_BUILT_IN);
    }

    /**
     * The way back for a graph.
     *
     * @see #toBuiltIn(MultiLayerNetwork)
     */
    public static ComputationGraph toBuiltIn(ComputationGraph graph) {
        return swap(graph, Direction.TO_BUILT_IN);
    }

    private static MultiLayerNetwork swap(MultiLayerNetwork net, Direction direction) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        List<NeuralNetConfiguration> swapped = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            select(conf.getConf(i), " (index " + i + ")", direction, swapped, refused);
            if (direction == Direction.TO_BN4J) {
                noteIgnoredActivation(conf.getConf(i), "layer " + i, ignored);
            }
        }
        if (!prepare(swapped, refused, direction)) {
            return net;
        }
        reportIgnoredActivations(ignored);
        MultiLayerNetwork result = new MultiLayerNetwork(conf);
        result.init();
        for (int i = 0; i < net.getnLayers(); i++) {
            copyParams(net.getLayer(i), result.getLayer(i), direction);
        }
        copyUpdaterState(net.getUpdater() == null ? null : net.getUpdater().getStateViewArray(),
                result.getUpdater() == null ? null : result.getUpdater().getStateViewArray());
        return result;
    }

    private static ComputationGraph swap(ComputationGraph graph, Direction direction) {
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        List<NeuralNetConfiguration> swapped = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        for (var vertex : conf.getVertices().entrySet()) {
            if (vertex.getValue() instanceof LayerVertex) {
                NeuralNetConfiguration layerConf = ((LayerVertex) vertex.getValue()).getLayerConf();
                select(layerConf, "", direction, swapped, refused);
                if (direction == Direction.TO_BN4J) {
                    noteIgnoredActivation(layerConf, "\"" + vertex.getKey() + "\"", ignored);
                }
            }
        }
        if (!prepare(swapped, refused, direction)) {
            return graph;
        }
        reportIgnoredActivations(ignored);
        ComputationGraph result = new ComputationGraph(conf);
        result.init();
        for (Layer layer : graph.getLayers()) {
            copyParams(layer, result.getLayer(layer.conf().getLayer().getLayerName()), direction);
        }
        copyUpdaterState(graph.getUpdater() == null ? null : graph.getUpdater().getStateViewArray(),
                result.getUpdater() == null ? null : result.getUpdater().getStateViewArray());
        return result;
    }

    /**
     * Adds {@code name} and its activation to {@code ignored} for a built-in BN whose activation is not identity: one
     * that bn4j's layer replacing it would apply, were the swap to keep it. Only for {@link Direction#TO_BN4J}: the way
     * back leaves built-in layers as they are.
     */
    static void noteIgnoredActivation(NeuralNetConfiguration layerConf, String name, List<String> ignored) {
        if (layerConf.getLayer() instanceof BatchNormalization) {
            IActivation fn = ((BatchNormalization) layerConf.getLayer()).getActivationFn();
            if (fn != null && !(fn instanceof ActivationIdentity)) {
                ignored.add(name + " (" + fn + ")");
            }
        }
    }

    private static void reportIgnoredActivations(List<String> ignored) {
        if (!ignored.isEmpty()) {
            LOG.warn("DL4J's BatchNormalization ignores its activation, so the bn4j layers replacing it apply none "
                    + "either: {}. Add an ActivationLayer, or set the activation on bn4j's BatchNorm, to apply one",
                    String.join(", ", ignored));
        }
    }

    /** Adds {@code layerConf} to {@code swapped} if {@code direction} converts it, or its reason to {@code refused}. */
    private static void select(NeuralNetConfiguration layerConf, String index, Direction direction,
                               List<NeuralNetConfiguration> swapped, List<String> refused) {
        org.deeplearning4j.nn.conf.layers.Layer layer = layerConf.getLayer();
        if (!direction.converts(layer)) {
            return;
        }
        String why = direction.whyNot(layer);
        if (why != null) {
            refused.add(layer.getClass().getSimpleName() + " layer \"" + layer.getLayerName() + "\"" + index + ": "
                    + why);
        } else {
            swapped.add(layerConf);
        }
    }

    /**
     * Converts the selected layer configurations, after checking that none was refused.
     *
     * @return whether there was any to convert
     */
    private static boolean prepare(List<NeuralNetConfiguration> swapped, List<String> refused, Direction direction) {
        if (!refused.isEmpty()) {
            throw new IllegalArgumentException("DL4J's BatchNormalization cannot stand in for "
                    + String.join("; ", refused) + ". Nothing was changed.");
        }
        for (NeuralNetConfiguration layerConf : swapped) {
            layerConf.setLayer(direction.convert(layerConf.getLayer()));
            // The old layer registered its parameter keys here; the new one registers its own at init.
            layerConf.clearVariables();
        }
        return !swapped.isEmpty();
    }

    /** Which way layers are swapped. */
    private enum Direction {
        TO_BN4J {
            @Override
            boolean converts(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return layer instanceof BatchNormalization;
            }

            @Override
            String whyNot(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return null;
            }

            @Override
            org.deeplearning4j.nn.conf.layers.Layer convert(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return BatchNormSwap.convert((BatchNormalization) layer);
            }

            @Override
            void copyParams(Layer from, Layer to) {
                copyBuiltInParams(from, to);
            }
        },
        TO_BUILT_IN {
            @Override
            boolean converts(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return layer instanceof BatchNorm || wrapped(layer) instanceof BatchNorm;
            }

            @Override
            String whyNot(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return layer instanceof BatchNorm ? BuiltInForm.whyNot((BatchNorm) layer)
                        : "it wraps bn4j BatchNorm \"" + wrapped(layer).getLayerName() + "\"; unwrap it first";
            }

            @Override
            org.deeplearning4j.nn.conf.layers.Layer convert(org.deeplearning4j.nn.conf.layers.Layer layer) {
                return BuiltInForm.of((BatchNorm) layer);
            }

            @Override
            void copyParams(Layer from, Layer to) {
                BuiltInForm.copyParams(from, to);
            }
        };

        abstract boolean converts(org.deeplearning4j.nn.conf.layers.Layer layer);

        /** @return why the layer cannot be converted, or null */
        abstract String whyNot(org.deeplearning4j.nn.conf.layers.Layer layer);

        abstract org.deeplearning4j.nn.conf.layers.Layer convert(org.deeplearning4j.nn.conf.layers.Layer layer);

        abstract void copyParams(Layer from, Layer to);

        /** @return the layer inside DL4J's wrapper layers, or null if {@code layer} is no wrapper */
        static org.deeplearning4j.nn.conf.layers.Layer wrapped(org.deeplearning4j.nn.conf.layers.Layer layer) {
            org.deeplearning4j.nn.conf.layers.Layer inner = null;
            while (true) {
                if (layer instanceof FrozenLayer) {
                    inner = ((FrozenLayer) layer).getLayer();
                } else if (layer instanceof BaseWrapperLayer) {
                    inner = ((BaseWrapperLayer) layer).getUnderlying();
                } else {
                    return inner;
                }
                layer = inner;
            }
        }
    }

    /**
     * The same options: eps, decay, locked gamma and beta (as the built-in applies them, see
     * {@link BuiltInLockedGammaBeta}), image format, updater, gradient normalization, name.
     */
    static BatchNorm convert(BatchNormalization builtIn) {
        BuiltInLockedGammaBeta locked = builtIn.isLockGammaBeta() ? BuiltInLockedGammaBeta.of(builtIn)
                : new BuiltInLockedGammaBeta(builtIn.getGamma(), builtIn.getBeta());
        BatchNorm layer = new BatchNorm.Builder()
                .eps(builtIn.getEps()).decay(builtIn.getDecay())
                .lockGammaBeta(builtIn.isLockGammaBeta()).gamma(locked.gamma()).beta(locked.beta())
                .dataFormat(builtIn.getCnn2DFormat())
                .activation(new ActivationIdentity())
                .build();
        return copyLayerOptions(builtIn, layer);
    }

    /**
     * Copies what any DL4J layer has from {@code from} to {@code to}: sizes, name, updaters, gradient normalization,
     * dropout, constraints.
     *
     * @return {@code to}
     */
    static <T extends FeedForwardLayer> T copyLayerOptions(FeedForwardLayer from, T to) {
        to.setNIn(from.getNIn());
        to.setNOut(from.getNOut());
        to.setLayerName(from.getLayerName());
        to.setIUpdater(from.getIUpdater());
        to.setBiasUpdater(from.getBiasUpdater());
        to.setGradientNormalization(from.getGradientNormalization());
        to.setGradientNormalizationThreshold(from.getGradientNormalizationThreshold());
        to.setIDropout(from.getIDropout());
        to.setConstraints(from.getConstraints());
        return to;
    }

    private static void copyParams(Layer from, Layer to, Direction direction) {
        if (from.numParams() == 0) {
            return;
        }
        if (direction.converts(from.conf().getLayer())) {
            direction.copyParams(from, to);
        } else {
            to.setParams(from.params());
        }
    }

    /** Copies a built-in layer's parameters into the bn4j layer {@link #convert} made of it. */
    private static void copyBuiltInParams(Layer from, Layer to) {
        BatchNormalization builtIn = (BatchNormalization) from.conf().getLayer();
        if (!builtIn.isLockGammaBeta()) {
            to.getParam(BatchNormParamInitializer.GAMMA)
                    .assign(from.getParam(BatchNormalizationParamInitializer.GAMMA));
            to.getParam(BatchNormParamInitializer.BETA).assign(from.getParam(BatchNormalizationParamInitializer.BETA));
        }
        RunningStats running = BuiltInStatistics.of(from);
        BuiltInForm.assign(to.getParam(BatchNormParamInitializer.MEAN), running.mean());
        BuiltInForm.assign(to.getParam(BatchNormParamInitializer.VAR), running.var());
    }

    /** Gamma and beta keep their updater state; running statistics have none on either side, so the layouts agree. */
    private static void copyUpdaterState(INDArray from, INDArray to) {
        if (from != null && to != null && from.length() == to.length()) {
            to.assign(from);
        }
    }
}
