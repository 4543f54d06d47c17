package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds batch normalization into the layer before it, for deployment: in inference BN is a per-channel affine map
 * (bn-core's {@link org.bn4j.core.BatchNormalizer#inferenceAffine}), so a {@code ConvolutionLayer} or {@code DenseLayer}
 * with identity activation followed by BN equals one such layer with scaled weights and a shifted bias, and with
 * the activation that BN applied after normalizing (bn4j's {@link BatchNorm#appliedActivation()}). The result
 * is a new, initialized network without the folded BN layers whose inference outputs match the original's to
 * rounding. The original network is not modified.
 *
 * <pre>
 * MultiLayerNetwork trained = MultiLayerNetwork.load(file, false);
 * MultiLayerNetwork deployed = BatchNormFolding.fold(trained);
 * INDArray y = deployed.output(x);
 * </pre>
 *
 * <p>Folds bn4j's {@link BatchNorm} and DL4J's built-in {@code BatchNormalization} (either running-variance form)
 * when all of these hold; otherwise that BN stays, and the log says why (INFO):
 * <ul>
 *   <li>the layer before it is exactly a {@code ConvolutionLayer}, {@code Convolution2D} or {@code DenseLayer}
 *       (not a subclass such as a depthwise, separable, transposed, 1-D or 3-D convolution), with identity
 *       activation and, for dense, no layer normalization; the layer without bias gains one;</li>
 *   <li>BN has no input preprocessor, and reads images in the convolution's format (NCHW or NHWC);</li>
 *   <li>in a graph: BN has one input, and that layer's output feeds only the BN and is not a network output.</li>
 * </ul>
 * The folded network is for inference: updater state is not carried over (iteration and epoch counts are). One
 * difference remains by design: where a mask removes positions, bn4j's BN writes zeros, the folded layer does not;
 * masked positions reach no loss or score.
 */
public final class BatchNormFolding {
    private static final Logger LOG = LoggerFactory.getLogger(BatchNormFolding.class);

    private BatchNormFolding() {
    }

    /**
     * @param net an initialized network with at least one BN layer; not modified
     * @return a new, initialized network: the folded BN layers removed, their predecessors' weights and biases
     *         rewritten, everything else copied. Layer indices after a folded BN shift down.
     * @throws IllegalArgumentException if the network has no BN layer
     */
    public static MultiLayerNetwork fold(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int n = conf.getConfs().size();
        boolean[] folded = new boolean[n];
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer bn = conf.getConf(i).getLayer();
            if (!InferenceAffine.isBatchNorm(bn)) {
                continue;
            }
            String whyNot = i == 0 ? "it is the first layer"
                    : FoldTarget.whyNot(conf.getConf(i - 1).getLayer(), bn, conf.getInputPreProcess(i));
            if (whyNot == null) {
                folded[i] = true;
            } else {
                kept.add("layer " + i + " (" + whyNot + ")");
            }
        }
        int foldedCount = count(folded);
        requireBatchNorm(foldedCount + kept.size(), "network");

        MultiLayerConfiguration result = conf.clone();
        List<NeuralNetConfiguration> confs = new ArrayList<>();
        Map<Integer, InputPreProcessor> preprocessors = new HashMap<>();
        for (int i = 0; i < n; i++) {
            if (folded[i]) {
                continue;
            }
            InputPreProcessor preprocessor = result.getInputPreProcess(i);
            if (preprocessor != null) {
                preprocessors.put(confs.size(), preprocessor);
            }
            if (i + 1 < n && folded[i + 1]) {
                FoldTarget.takeOver(result.getConf(i), conf.getConf(i + 1).getLayer());
            }
            confs.add(result.getConf(i));
        }
        result.setConfs(confs);
        result.setInputPreProcessors(preprocessors);

        MultiLayerNetwork foldedNet = new MultiLayerNetwork(result);
        foldedNet.init();
        for (int i = 0, k = 0; i < n; i++) {
            if (folded[i]) {
                continue;
            }
            Layer from = net.getLayer(i);
            Layer to = foldedNet.getLayer(k++);
            if (i + 1 < n && folded[i + 1]) {
                FoldTarget.writeFolded(from, to, InferenceAffine.of(net.getLayer(i + 1)));
            } else if (from.numParams() > 0) {
                to.setParams(from.params());
            }
        }
        report(foldedCount, kept);
        return foldedNet;
    }

    /**
     * @param graph an initialized graph with at least one BN layer; not modified
     * @return a new, initialized graph: each folded BN vertex removed and its consumers (or the network output)
     *         fed by its predecessor directly, whose weights and bias are rewritten; everything else copied
     * @throws IllegalArgumentException if the graph has no BN layer
     */
    public static ComputationGraph fold(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        Map<String, String> targetOf = new LinkedHashMap<>();
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> vertex : conf.getVertices().entrySet()) {
            if (!(vertex.getValue() instanceof LayerVertex)
                    || !InferenceAffine.isBatchNorm(((LayerVertex) vertex.getValue()).getLayerConf().getLayer())) {
                continue;
            }
            String name = vertex.getKey();
            String whyNot = whyNotFoldable(conf, name, (LayerVertex) vertex.getValue());
            if (whyNot == null) {
                targetOf.put(name, conf.getVertexInputs().get(name).get(0));
            } else {
                kept.add("\"" + name + "\" (" + whyNot + ")");
            }
        }
        requireBatchNorm(targetOf.size() + kept.size(), "graph");

        ComputationGraphConfiguration result = conf.clone();
        for (Map.Entry<String, String> fold : targetOf.entrySet()) {
            String bn = fold.getKey();
            String target = fold.getValue();
            result.getVertices().remove(bn);
            result.getVertexInputs().remove(bn);
            for (List<String> inputs : result.getVertexInputs().values()) {
                inputs.replaceAll(input -> input.equals(bn) ? target : input);
            }
            result.getNetworkOutputs().replaceAll(output -> output.equals(bn) ? target : output);
            FoldTarget.takeOver(((LayerVertex) result.getVertices().get(target)).getLayerConf(),
                    ((LayerVertex) conf.getVertices().get(bn)).getLayerConf().getLayer());
        }
        result.setIterationCount(conf.getIterationCount());
        result.setEpochCount(conf.getEpochCount());
        result.validate();

        ComputationGraph foldedGraph = new ComputationGraph(result);
        foldedGraph.init();
        Map<String, String> bnOf = new HashMap<>();
        targetOf.forEach((bn, target) -> bnOf.put(target, bn));
        for (Layer from : graph.getLayers()) {
            String name = from.conf().getLayer().getLayerName();
            if (targetOf.containsKey(name)) {
                continue;
            }
            Layer to = foldedGraph.getLayer(name);
            if (bnOf.containsKey(name)) {
                FoldTarget.writeFolded(from, to, InferenceAffine.of(graph.getLayer(bnOf.get(name))));
            } else if (from.numParams() > 0) {
                to.setParams(from.params());
            }
        }
        report(targetOf.size(), kept);
        return foldedGraph;
    }

    private static String whyNotFoldable(ComputationGraphConfiguration conf, String bn, LayerVertex bnVertex) {
        List<String> inputs = conf.getVertexInputs().get(bn);
        if (inputs == null || inputs.size() != 1) {
            return "it has " + (inputs == null ? 0 : inputs.size()) + " inputs";
        }
        String target = inputs.get(0);
        GraphVertex targetVertex = conf.getVertices().get(target);
        if (!(targetVertex instanceof LayerVertex)) {
            return "it follows "
                    + (targetVertex == null ? "the network input" : "a " + targetVertex.getClass().getSimpleName())
                    + " \"" + target + "\", not a layer";
        }
        if (conf.getNetworkOutputs().contains(target)) {
            return "\"" + target + "\" is also a network output";
        }
        for (Map.Entry<String, List<String>> consumer : conf.getVertexInputs().entrySet()) {
            if (!consumer.getKey().equals(bn) && consumer.getValue().contains(target)) {
                return "\"" + target + "\" also feeds \"" + consumer.getKey() + "\"";
            }
        }
        return FoldTarget.whyNot(((LayerVertex) targetVertex).getLayerConf().getLayer(),
                bnVertex.getLayerConf().getLayer(),
                bnVertex.getPreProcessor());
    }

    private static void requireBatchNorm(int count, String what) {
        if (count == 0) {
            throw new IllegalArgumentException(
                    "the " + what + " has no batch normalization layer (bn4j BatchNorm or DL4J "
                            + "BatchNormalization), so there is nothing to fold");
        }
    }

    private static void report(int folded, List<String> kept) {
        if (!kept.isEmpty()) {
            LOG.info("Folded {} of {} batch normalization layers; kept {}", folded, folded + kept.size(),
                    String.join(", ", kept));
        }
    }

    private static int count(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            count += flag ? 1 : 0;
        }
        return count;
    }
}
