package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.bn4j.core.NonFinitePolicy;
import org.bn4j.core.RunningAverage;
import org.bn4j.core.RunningVariance;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Models saved by an earlier bn4j (see {@link CompatibilityFixture}) restore with their configuration and give
 * their recorded outputs: a change that breaks loading saved models fails here.
 */
class CompatibilityFixtureTest {
    private static final Path DIR = Path.of(CompatibilityFixture.DIR);

    private static void assertBnConfig(BatchNorm bn) {
        assertEquals(1e-3, bn.getEps());
        assertEquals(0.8, bn.getDecay());
        assertEquals(RunningVariance.UNBIASED, bn.getRunningVariance());
        assertEquals(RunningAverage.EXPONENTIAL, bn.getRunningAverage());
        assertEquals(NonFinitePolicy.REJECT, bn.getNonFinitePolicy());
        assertEquals(CNN2DFormat.NHWC, bn.getCnn2DFormat());
        assertEquals(3, bn.getNOut());
    }

    private static void assertSameOutput(INDArray expected, INDArray actual) {
        float[] e = expected.dup('c').data().asFloat();
        float[] a = actual.dup('c').data().asFloat();
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(e, a, 1e-6f);
    }

    @Test
    void savedMultiLayerNetworkRestoresWithItsOutputs() throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(DIR.resolve("mln.zip").toFile(), true);
        assertBnConfig((BatchNorm) net.getLayerWiseConfigurations().getConf(1).getLayer());
        INDArray input = CompatibilityFixture.read(DIR.resolve("input.txt"));
        assertSameOutput(CompatibilityFixture.read(DIR.resolve("mln-output.txt")), net.output(input));
    }

    @Test
    void savedComputationGraphRestoresWithItsOutputs() throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        ComputationGraph net = ModelSerializer.restoreComputationGraph(DIR.resolve("cg.zip").toFile(), true);
        assertBnConfig((BatchNorm) net.getLayer("bn").conf().getLayer());
        INDArray input = CompatibilityFixture.read(DIR.resolve("input.txt"));
        assertSameOutput(CompatibilityFixture.read(DIR.resolve("cg-output.txt")), net.outputSingle(input));
    }
}
