package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Imported models compute what Keras' inference computes (numpy's outputs from the stored weights). */
class KerasImportTest {

    /** Fixtures named seq_* are Sequential models, imported as a MultiLayerNetwork; the others functional. */
    @ParameterizedTest
    @ValueSource(strings = {"bn_rank2_last", "bn_rank2_list", "bn_rank3_last", "bn_rank3_first", "bn_rank4_last",
            "bn_rank4_last_negative", "bn_rank4_first", "bn_rank4_first_negative", "bn_rank5_last", "bn_rank5_first",
            "bn_no_center_no_scale", "bn_no_center", "bn_no_scale", "bn_frozen", "bn_virtual_batch", "bn_v1",
            "bn_sync", "func_conv2d_bn", "func_conv2d_bn_h5py3", "func_dense_bn_frozen", "seq_conv2d_bn",
            "seq_conv1d_bn", "seq_dense_bn", "seq_bn_first_channels_first",
            "func_bn_first_channels_first"})
    void modelComputesWhatKerasComputes(String name) throws Exception {
        Fixture f = new Fixture(name);
        if (name.startsWith("seq_")) {
            MultiLayerNetwork net = KerasImport.importKerasSequentialModelAndWeights(f.h5());
            Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), name);
            assertEveryBatchNormIsBn4j(layers(net));
        } else {
            ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5());
            Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), name);
            assertEveryBatchNormIsBn4j(layers(net));
        }
    }

    /** Regularizers and renorm change only training: imported for inference. */
    @ParameterizedTest
    @ValueSource(strings = {"bn_regularizers", "bn_renorm"})
    void trainingOnlySettingsImportForInferenceWithoutTheTrainingConfiguration(String name) throws Exception {
        Fixture f = new Fixture(name);
        ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5(), false);
        Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), name);
    }

    @Test
    void modelFromJsonAndWeightsFiles() throws Exception {
        Fixture f = new Fixture("func_dense_bn_frozen");
        for (ComputationGraph net : List.of(KerasImport.importKerasModelAndWeights(f.json(), f.weights()),
                KerasImport.importKerasModelAndWeights(f.json(), f.weights(), false))) {
            Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), "JSON and weights");
            assertEveryBatchNormIsBn4j(layers(net));
        }
    }

    @Test
    void sequentialModelFromJsonAndWeightsFiles() throws Exception {
        Fixture f = new Fixture("seq_dense_bn");
        for (MultiLayerNetwork net : List.of(KerasImport.importKerasSequentialModelAndWeights(f.json(), f.weights()),
                KerasImport.importKerasSequentialModelAndWeights(f.json(), f.weights(), true))) {
            Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), "JSON and weights");
            assertEveryBatchNormIsBn4j(layers(net));
        }
    }

    @Test
    void modelFromAStream() throws Exception {
        Fixture f = new Fixture("seq_conv2d_bn");
        try (InputStream in = new FileInputStream(f.h5())) {
            Outputs.assertClose(f.expected(), Outputs.of(KerasImport.importKerasSequentialModelAndWeights(in),
                    f.input()), "stream");
        }
        Fixture functional = new Fixture("func_conv2d_bn");
        try (InputStream in = new FileInputStream(functional.h5())) {
            Outputs.assertClose(functional.expected(), Outputs.of(KerasImport.importKerasModelAndWeights(in, false),
                    functional.input()), "stream, as a graph");
        }
    }

    @Test
    void inputShapeCanBeGiven() throws Exception {
        Fixture f = new Fixture("bn_rank4_last");
        ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5(), new int[] {4, 5, 3}, true);
        Outputs.assertClose(f.expected(), Outputs.of(net, f.input()), "input shape given");
    }

    @Test
    void otherLayersAreImportedAsDl4jImportsThem() throws Exception {
        Fixture f = new Fixture("seq_conv2d_bn");
        MultiLayerNetwork ours = KerasImport.importKerasSequentialModelAndWeights(f.h5());
        MultiLayerNetwork dl4j = org.deeplearning4j.nn.modelimport.keras.KerasModelImport
                .importKerasSequentialModelAndWeights(f.h5());
        assertEquals(dl4j.getnLayers(), ours.getnLayers());
        for (int i = 0; i < ours.getnLayers(); i++) {
            Layer ourLayer = ours.getLayer(i).conf().getLayer();
            Layer theirLayer = dl4j.getLayer(i).conf().getLayer();
            if (theirLayer instanceof BatchNormalization) {
                assertTrue(ourLayer instanceof BatchNorm, ourLayer.toString());
            } else {
                assertEquals(theirLayer, ourLayer);
                assertEquals(dl4j.getLayer(i).params(), ours.getLayer(i).params());
            }
        }
    }

    static List<Layer> layers(ComputationGraph net) {
        List<Layer> layers = new ArrayList<>();
        for (GraphVertex vertex : net.getConfiguration().getVertices().values()) {
            if (vertex instanceof LayerVertex) {
                layers.add(((LayerVertex) vertex).getLayerConf().getLayer());
            }
        }
        return layers;
    }

    static List<Layer> layers(MultiLayerNetwork net) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < net.getnLayers(); i++) {
            layers.add(net.getLayer(i).conf().getLayer());
        }
        return layers;
    }

    private static void assertEveryBatchNormIsBn4j(List<Layer> layers) {
        assertTrue(layers.stream().anyMatch(l -> l instanceof BatchNorm), layers.toString());
        assertFalse(layers.stream().anyMatch(l -> l instanceof BatchNormalization), layers.toString());
    }
}
