package org.bn4j.keras;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Inference outputs of imported networks, compared with numpy's. */
final class Outputs {
    /** Relative to the largest expected magnitude (at least 1): float32 inference against a double reference. */
    static final double TOLERANCE = 1e-5;

    private Outputs() {
    }

    static INDArray of(Model net, INDArray input) {
        INDArray out = net instanceof ComputationGraph ? ((ComputationGraph) net).outputSingle(input)
                : ((MultiLayerNetwork) net).output(input);
        return out.castTo(DataType.DOUBLE);
    }

    static double maxDifference(INDArray expected, INDArray actual) {
        if (!java.util.Arrays.equals(expected.shape(), actual.shape())) {
            return Double.POSITIVE_INFINITY;
        }
        return actual.castTo(DataType.DOUBLE).sub(expected.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        double scale = Math.max(1, expected.amaxNumber().doubleValue());
        double difference = maxDifference(expected, actual);
        assertTrue(difference <= TOLERANCE * scale, what + ": largest difference " + difference + " (shapes "
                + java.util.Arrays.toString(expected.shape()) + ", " + java.util.Arrays.toString(actual.shape()) + ")");
    }

    static void assertFar(INDArray expected, INDArray actual, String what) {
        double difference = maxDifference(expected, actual);
        assertTrue(difference > 0.1, what + ": expected a wrong answer, but the largest difference is " + difference);
    }
}
