package org.bn4j.dl4j;

import java.util.HashSet;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;

/** Small networks with a BN layer between a bias-free linear layer and its nonlinearity. */
final class Networks {
    static final long SEED = 12345;

    private Networks() {
    }

    static NeuralNetConfiguration.ListBuilder list(InputKind kind, Layer bn, DataType type, IUpdater updater,
                                                   WorkspaceMode workspaces) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(SEED).dataType(type)
                .updater(updater).trainingWorkspaceMode(workspaces).inferenceWorkspaceMode(workspaces).list()
                .layer(kind.linear())
                .layer(bn)
                .layer(new ActivationLayer.Builder().activation(Activation.TANH).build());
        for (Layer head : kind.head()) {
            list.layer(head);
        }
        return list.setInputType(kind.inputType);
    }

    static MultiLayerNetwork multiLayer(InputKind kind, Layer bn, DataType type, IUpdater updater) {
        return multiLayer(kind, bn, type, updater, WorkspaceMode.ENABLED);
    }

    static MultiLayerNetwork multiLayer(InputKind kind, Layer bn, DataType type, IUpdater updater,
                                        WorkspaceMode workspaces) {
        MultiLayerConfiguration conf = list(kind, bn, type, updater, workspaces).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    static ComputationGraph graph(InputKind kind, Layer bn, DataType type, IUpdater updater) {
        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder().seed(SEED)
                .dataType(type)
                .updater(updater).graphBuilder()
                .addInputs("in")
                .addLayer("linear", kind.linear(), "in")
                .addLayer("bn", bn, "linear")
                .addLayer("act", new ActivationLayer.Builder().activation(Activation.TANH).build(), "bn");
        String previous = "act";
        Layer[] head = kind.head();
        for (int i = 0; i < head.length; i++) {
            String name = i == head.length - 1 ? "out" : "head" + i;
            graph.addLayer(name, head[i], previous);
            previous = name;
        }
        ComputationGraph net = new ComputationGraph(graph.setOutputs("out").setInputTypes(kind.inputType).build());
        net.init();
        return net;
    }

    /** The running-statistic keys of every BN layer: gradient checks must skip them, their "gradient" is an update. */
    static Set<String> runningStatKeys(Iterable<String> paramKeys) {
        Set<String> keys = new HashSet<>();
        for (String key : paramKeys) {
            if (key.endsWith("_" + BatchNormParamInitializer.MEAN) || key.endsWith("_" + BatchNormParamInitializer.VAR)
                    || key.endsWith("_log10stdev")) {
                keys.add(key);
            }
        }
        return keys;
    }
}
