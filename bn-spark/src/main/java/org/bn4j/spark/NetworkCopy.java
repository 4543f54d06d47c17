package org.bn4j.spark;

import java.io.Serializable;
import org.bn4j.dl4j.NetworkPopulationStats;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the executors need to rebuild the driver's network: its configuration JSON (iteration and epoch counts
 * included, which batch renormalization's schedule reads) and a copy of its flattened parameters, as dl4j-spark
 * broadcasts them. Each task builds its own network from it.
 */
final class NetworkCopy implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String configurationJson;
    private final boolean graph;
    private final INDArray params;

    private NetworkCopy(String configurationJson, boolean graph, INDArray params) {
        this.configurationJson = configurationJson;
        this.graph = graph;
        this.params = params;
    }

    static NetworkCopy of(MultiLayerNetwork net) {
        return new NetworkCopy(net.getLayerWiseConfigurations().toJson(), false, net.params().dup());
    }

    static NetworkCopy of(ComputationGraph graph) {
        return new NetworkCopy(graph.getConfiguration().toJson(), true, graph.params().dup());
    }

    /** @return empty population statistics of a new network with these parameters (copied: tasks share this) */
    NetworkPopulationStats newPopulationStats() {
        if (graph) {
            ComputationGraph copy = new ComputationGraph(ComputationGraphConfiguration.fromJson(configurationJson));
            copy.init(params, true);
            return NetworkPopulationStats.of(copy);
        }
        MultiLayerNetwork copy = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configurationJson));
        copy.init(params, true);
        return NetworkPopulationStats.of(copy);
    }
}
