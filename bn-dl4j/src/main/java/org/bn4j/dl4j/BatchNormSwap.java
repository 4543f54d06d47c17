package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bn4j.core.RunningStats;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces DL4J's built-in {@link BatchNormalization} layers with {@link BatchNorm} in a network, for example a
 * restored saved model. The result is a new network with the same configuration otherwise; parameters, running
 * statistics (the built-in's {@code log10stdev} form converted to a variance), updater state and iteration
 * counts are carried over, so inference gives the same outputs and training continues where it was.
 * The original network is not modified. DL4J's layer ignores the activation in its configuration (often the network's
 * default, sigmoid), so the swapped layers get identity, and one log line (WARN) names the layers whose activation
 * DL4J was ignoring.
 *
 * <pre>
 * MultiLayerNetwork restored = MultiLayerNetwork.load(file, true);
 * MultiLayerNetwork faster = BatchNormSwap.replaceBuiltIn(restored);
 * </pre>
 */
public final class BatchNormSwap {
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormSwap.class);

    private BatchNormSwap() {
    }

    /** @return a copy of {@code net} with every built-in BN layer replaced; the same network if it has none */
    public static MultiLayerNetwork replaceBuiltIn(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations().clone();
        boolean replaced = false;
        List<String> ignored = new ArrayList<>();
        for (int i = 0; i < conf.getConfs().size(); i++) {
            NeuralNetConfiguration layerConf = conf.getConf(i);
            noteIgnoredActivation(layerConf, "layer " + i, ignored);
            replaced |= replaceIn(layerConf);
        }
        if (!replaced) {
            return net;
        }
        reportIgnoredActivations(ignored);
        MultiLayerNetwork swapped = new MultiLayerNetwork(conf);
        swapped.init();
        for (int i = 0; i < net.getnLayers(); i++) {
            copyParams(net.getLayer(i), swapped.getLayer(i));
        }
        copyUpdaterState(net.getUpdater() == null ? null : net.getUpdater().getStateViewArray(),
                swapped.getUpdater() == null ? null : swapped.getUpdater().getStateViewArray());
        return swapped;
    }

    /** @return a copy of {@code graph} with every built-in BN layer replaced; the same graph if it has none */
    public static ComputationGraph replaceBuiltIn(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration().clone();
        boolean replaced = false;
        List<String> ignored = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (vertex.getValue() instanceof LayerVertex) {
                NeuralNetConfiguration layerConf = ((LayerVertex) vertex.getValue()).getLayerConf();
                noteIgnoredActivation(layerConf, "\"" + vertex.getKey() + "\"", ignored);
                replaced |= replaceIn(layerConf);
            }
        }
        if (!replaced) {
            return graph;
        }
        reportIgnoredActivations(ignored);
        ComputationGraph swapped = new ComputationGraph(conf);
        swapped.init();
        for (Layer layer : graph.getLayers()) {
            copyParams(layer, swapped.getLayer(layer.conf().getLayer().getLayerName()));
        }
        copyUpdaterState(graph.getUpdater() == null ? null : graph.getUpdater().getStateViewArray(),
                swapped.getUpdater() == null ? null : swapped.getUpdater().getStateViewArray());
        return swapped;
    }

    /** Adds {@code name} and its activation to {@code ignored} for a built-in BN whose activation is not identity. */
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

    private static boolean replaceIn(NeuralNetConfiguration layerConf) {
        if (!(layerConf.getLayer() instanceof BatchNormalization)) {
            return false;
        }
        layerConf.setLayer(convert((BatchNormalization) layerConf.getLayer()));
        // The built-in registered its parameter keys here; ours are registered again at init.
        layerConf.clearVariables();
        return true;
    }

    /**
     * The same options: eps, decay, locked gamma and beta (as the built-in applies them, see
     * {@link BuiltInLockedGammaBeta}), image format, updater, gradient normalization, name.
     */
    static BatchNorm convert(BatchNormalization builtIn) {
        BuiltInLockedGammaBeta locked = builtIn.isLockGammaBeta() ? BuiltInLockedGammaBeta.of(builtIn)
                : new BuiltInLockedGammaBeta(builtIn.getGamma(), builtIn.getBeta());
        BatchNorm.Builder b = new BatchNorm.Builder()
                .eps(builtIn.getEps()).decay(builtIn.getDecay())
                .lockGammaBeta(builtIn.isLockGammaBeta()).gamma(locked.gamma()).beta(locked.beta())
                .dataFormat(builtIn.getCnn2DFormat())
                .activation(new ActivationIdentity())
                .nIn(builtIn.getNIn()).nOut(builtIn.getNOut())
                .updater(builtIn.getIUpdater()).biasUpdater(builtIn.getBiasUpdater())
                .gradientNormalization(builtIn.getGradientNormalization())
                .gradientNormalizationThreshold(builtIn.getGradientNormalizationThreshold());
        if (builtIn.getLayerName() != null) {
            b.name(builtIn.getLayerName());
        }
        BatchNorm layer = b.build();
        layer.setIDropout(builtIn.getIDropout());
        layer.setConstraints(builtIn.getConstraints());
        return layer;
    }

    private static void copyParams(Layer from, Layer to) {
        if (from.numParams() == 0) {
            return;
        }
        if (!(from.conf().getLayer() instanceof BatchNormalization)) {
            to.setParams(from.params());
            return;
        }
        BatchNormalization builtIn = (BatchNormalization) from.conf().getLayer();
        if (!builtIn.isLockGammaBeta()) {
            to.getParam(BatchNormParamInitializer.GAMMA).assign(from.getParam(BatchNormalizationParamInitializer.GAMMA));
            to.getParam(BatchNormParamInitializer.BETA).assign(from.getParam(BatchNormalizationParamInitializer.BETA));
        }
        RunningStats running = BuiltInStatistics.of(from);
        assign(to.getParam(BatchNormParamInitializer.MEAN), running.mean());
        assign(to.getParam(BatchNormParamInitializer.VAR), running.var());
    }

    private static void assign(INDArray param, double[] values) {
        param.assign(Nd4j.createFromArray(values).reshape(param.shape()).castTo(param.dataType()));
    }

    /** Gamma and beta keep their updater state; running statistics have none on either side, so the layouts agree. */
    private static void copyUpdaterState(INDArray from, INDArray to) {
        if (from != null && to != null && from.length() == to.length()) {
            to.assign(from);
        }
    }
}
