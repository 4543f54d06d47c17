package org.bn4j.examples.nets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The Inception-style network with each BN applying its ReLU is the one with separate activation layers. */
class InceptionNetTest {
    private static final InceptionNet.Training TRAINING = new InceptionNet.Training(0.01, 1e-4, 1000, 1);

    private static long activationLayers(ComputationGraph graph) {
        return Arrays.stream(graph.getLayers()).map(Layer::conf)
                .filter(c -> c.getLayer() instanceof ActivationLayer).count();
    }

    @Test
    void batchNormApplyingTheActivationComputesWhatSeparateActivationLayersDo() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        InceptionNet.Variant variant = InceptionNet.FIGURE_3.get(2);
        ComputationGraph separate = InceptionNet.build(variant, BatchNormImpl.BN4J, 3, 32, 4, TRAINING);
        ComputationGraph fused = InceptionNet.buildWithActivationInBatchNorm(variant, 3, 32, 4, TRAINING);

        assertTrue(activationLayers(separate) > 0, "the plain network has activation layers");
        assertEquals(0, activationLayers(fused), "BN applies them in the other");
        assertEquals(separate.numParams(), fused.numParams());
        for (Layer layer : fused.getLayers()) {
            if (layer.numParams() > 0) {
                layer.setParams(separate.getLayer(layer.conf().getLayer().getLayerName()).params());
            }
        }
        Nd4j.getRandom().setSeed(3);
        INDArray images = Nd4j.rand(DataType.FLOAT, 4, 3 * 32 * 32);
        INDArray expected = separate.outputSingle(false, images);
        INDArray actual = fused.outputSingle(false, images);
        assertTrue(expected.equalsWithEps(actual, 1e-5), expected + " vs " + actual);
    }
}
