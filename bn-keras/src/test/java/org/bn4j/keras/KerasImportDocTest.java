package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bn4j.dl4j.BatchNorm;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;

/** The snippets of docs/keras-import.md, run. */
class KerasImportDocTest {

    @Test
    void oneLineChange() throws Exception {
        String modelFile = new Fixture("func_conv2d_bn").h5();
        String sequentialFile = new Fixture("seq_conv2d_bn").h5();
        // tag::one-line-change[]
        // Before: ComputationGraph model = KerasModelImport.importKerasModelAndWeights(modelFile);
        ComputationGraph model = KerasImport.importKerasModelAndWeights(modelFile);
        MultiLayerNetwork sequential = KerasImport.importKerasSequentialModelAndWeights(sequentialFile);
        // end::one-line-change[]
        assertTrue(model.getLayer("bn").conf().getLayer() instanceof BatchNorm);
        assertTrue(sequential.getLayer("bn").conf().getLayer() instanceof BatchNorm);
    }

    @Test
    void inferenceOnly() throws Exception {
        String modelFile = new Fixture("bn_renorm").h5();
        // tag::inference-only[]
        ComputationGraph model = KerasImport.importKerasModelAndWeights(modelFile, false);
        // end::inference-only[]
        assertTrue(model.getLayer("bn").conf().getLayer() instanceof BatchNorm);
    }
}
