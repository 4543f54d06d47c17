package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import org.bn4j.dl4j.BatchNormParamInitializer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Imported models train with bn4j's layer: the fixtures' models were saved compiled (mean squared error, Adam), so
 * DL4J's importer adds a loss layer and the optimizer.
 */
class FineTuningAfterImportTest {

    private static DataSet batch(Fixture f, long outputs) {
        Nd4j.getRandom().setSeed(7);
        return new DataSet(f.input(), Nd4j.rand(DataType.FLOAT, f.input().size(0), outputs));
    }

    private static INDArray param(Layer layer, String name) {
        return layer.getParam(name).castTo(DataType.DOUBLE).reshape(-1).dup();
    }

    /** One step moves the running statistics by Keras' rule, momentum 0.9, toward the batch's statistics. */
    @Test
    void runningStatisticsMoveAsKerasWithItsMomentum() throws Exception {
        Fixture f = new Fixture("seq_dense_bn");
        MultiLayerNetwork net = KerasImport.importKerasSequentialModelAndWeights(f.h5());
        Layer bn = net.getLayer("bn");
        INDArray mean = param(bn, BatchNormParamInitializer.MEAN);
        INDArray var = param(bn, BatchNormParamInitializer.VAR);
        INDArray bnInput = net.feedForwardToLayer(0, f.input(), false).get(1).castTo(DataType.DOUBLE);

        net.fit(batch(f, 3));

        // Standalone Keras 2 (this configuration has no "fused" key) keeps the unbiased batch variance.
        INDArray expectedMean = mean.mul(0.9).add(bnInput.mean(0).mul(0.1));
        INDArray expectedVar = var.mul(0.9).add(bnInput.var(true, 0).mul(0.1));
        Outputs.assertClose(expectedMean, param(bn, BatchNormParamInitializer.MEAN), "moving mean");
        Outputs.assertClose(expectedVar, param(bn, BatchNormParamInitializer.VAR), "moving variance");
    }

    @Test
    void aFewStepsReduceTheLoss() throws Exception {
        Fixture f = new Fixture("seq_dense_bn");
        MultiLayerNetwork net = KerasImport.importKerasSequentialModelAndWeights(f.h5());
        DataSet data = batch(f, 3);
        double before = net.score(data);
        for (int i = 0; i < 20; i++) {
            net.fit(data);
        }
        double after = net.score(data);
        assertTrue(after < before, "loss " + before + " -> " + after);
    }

    /** trainable: false in Keras: statistics, gamma and beta stay; the other layers learn. */
    @Test
    void frozenLayerStaysFrozen() throws Exception {
        Fixture f = new Fixture("func_dense_bn_frozen");
        ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5());
        INDArray bnBefore = net.getLayer("bn").params().dup();
        INDArray denseBefore = net.getLayer("dense1").params().dup();
        DataSet data = batch(f, 3);
        for (int i = 0; i < 3; i++) {
            net.fit(data);
        }
        assertEquals(bnBefore, net.getLayer("bn").params());
        assertNotEquals(denseBefore, net.getLayer("dense1").params());
    }

    /** Keras' scale=False or center=False: that parameter stays at 1 or 0 while the other learns. */
    @ParameterizedTest
    @CsvSource({"bn_no_scale, gamma, beta, 1", "bn_no_center, beta, gamma, 0"})
    void parameterKerasDoesNotUseStaysConstant(String name, String constant, String learned, double value)
            throws Exception {
        Fixture f = new Fixture(name);
        ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5());
        Layer bn = net.getLayer("bn");
        INDArray learnedBefore = bn.getParam(learned).dup();
        DataSet data = new DataSet(f.input(), f.input().mul(0.5).add(1));
        for (int i = 0; i < 3; i++) {
            net.fit(data);
        }
        assertEquals(Nd4j.valueArrayOf(bn.getParam(constant).shape(), value, bn.getParam(constant).dataType()),
                bn.getParam(constant));
        assertNotEquals(learnedBefore, bn.getParam(learned));
    }

    @Test
    void sequentialModelSavesAndLoads(@TempDir Path dir) throws Exception {
        Fixture f = new Fixture("seq_dense_bn");
        MultiLayerNetwork net = KerasImport.importKerasSequentialModelAndWeights(f.h5());
        net.fit(batch(f, 3));
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);
        assertEquals(net.getLayer("bn").conf().getLayer(), restored.getLayer("bn").conf().getLayer());
        assertEquals(net.params(), restored.params());
        assertEquals(net.output(f.input()), restored.output(f.input()));
        restored.fit(batch(f, 3));
    }

    @ParameterizedTest
    @CsvSource({"bn_rank4_first", "bn_no_scale"})
    void functionalModelSavesAndLoads(String name, @TempDir Path dir) throws Exception {
        Fixture f = new Fixture(name);
        ComputationGraph net = KerasImport.importKerasModelAndWeights(f.h5());
        File file = dir.resolve("model.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);
        assertEquals(net.getLayer("bn").conf().getLayer(), restored.getLayer("bn").conf().getLayer());
        Outputs.assertClose(f.expected(), Outputs.of(restored, f.input()), "restored");
    }
}
