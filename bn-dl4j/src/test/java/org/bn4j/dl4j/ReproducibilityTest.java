package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The same seed and data give bitwise the same parameters after 20 training steps, for every kind of input. */
class ReproducibilityTest {
    static final int STEPS = 20;

    private static double[] trainedParameters(InputKind kind, DataType type) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().build(), type, new Adam(0.05));
        for (int step = 0; step < STEPS; step++) {
            net.fit(kind.features(type, step), kind.labels(type, step));
        }
        return net.params().castTo(DataType.DOUBLE).toDoubleVector();
    }

    @ParameterizedTest
    @EnumSource(InputKind.class)
    void sameSeedGivesBitwiseTheSameParametersAfterTwentySteps(InputKind kind) {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            double[] first = trainedParameters(kind, type);
            double[] second = trainedParameters(kind, type);
            assertArrayEquals(first, second, 0.0, kind + " " + type);
            double[] initial = Networks.multiLayer(kind, new BatchNorm.Builder().build(), type, new Adam(0.05))
                    .params().castTo(DataType.DOUBLE).toDoubleVector();
            assertFalse(java.util.Arrays.equals(initial, first), "training changed nothing");
        }
    }
}
