package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class CovariateShiftMonitorTest {
    @Test
    void percentilesInterpolateBetweenClosestRanksAsNumpyDoes() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(1.0, CovariateShiftMonitor.percentile(sorted, 0));
        assertEquals(1.6, CovariateShiftMonitor.percentile(sorted, 15), 1e-12);
        assertEquals(3.0, CovariateShiftMonitor.percentile(sorted, 50));
        assertEquals(4.4, CovariateShiftMonitor.percentile(sorted, 85), 1e-12);
        assertEquals(5.0, CovariateShiftMonitor.percentile(sorted, 100));
    }

    @Test
    void recordsOneUnitsPercentilesEveryKIterationsWithoutChangingState() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                DataType.FLOAT, new Sgd(0.1));
        INDArray probe = InputKind.FEED_FORWARD.features(DataType.FLOAT, 1);
        CovariateShiftMonitor monitor = new CovariateShiftMonitor(probe, 1, 2, 2, true, 15, 50, 85);
        INDArray before = net.params().dup();

        monitor.recordInitial(net);

        assertEquals(before, net.params(), "recording changes no parameter or statistic");
        INDArray unit = net.feedForward(probe, true).get(2).getColumn(2);
        double[] sorted = unit.castTo(DataType.DOUBLE).dup().data().asDouble();
        java.util.Arrays.sort(sorted);
        assertArrayEquals(new double[] {CovariateShiftMonitor.percentile(sorted, 15),
                CovariateShiftMonitor.percentile(sorted, 50),
                CovariateShiftMonitor.percentile(sorted, 85)}, monitor.records().get(0).percentiles(), 1e-6);

        net.addListeners(monitor);
        for (int step = 0; step < 5; step++) {
            net.fit(InputKind.FEED_FORWARD.features(DataType.FLOAT, 10 + step),
                    InputKind.FEED_FORWARD.labels(DataType.FLOAT, step));
        }
        List<Integer> iterations = monitor.records().stream().map(CovariateShiftMonitor.Record::iteration).toList();
        assertEquals(List.of(0, 2, 4), iterations);
    }

    @Test
    void watchingABatchNormWithAnActivationRecordsItsActivatedOutputWithoutChangingState() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNorm.Builder().activation(Activation.RELU).build(), DataType.FLOAT, new Sgd(0.1));
        INDArray probe = InputKind.FEED_FORWARD.features(DataType.FLOAT, 1);
        CovariateShiftMonitor monitor = new CovariateShiftMonitor(probe, 1, 2, 1, true, 0, 50, 100);
        INDArray before = net.params().dup();

        monitor.recordInitial(net);

        assertEquals(before, net.params(), "recording changes no parameter or statistic");
        double[] percentiles = monitor.records().get(0).percentiles();
        assertEquals(0.0, percentiles[0], "ReLU's output has no negative value, and BN's batch mean of 0 gives zeros");
        assertTrue(percentiles[2] > 0, "and keeps the positive values");
        INDArray unit = net.feedForward(probe, true).get(2).getColumn(2);
        assertEquals(unit.maxNumber().doubleValue(), percentiles[2], 1e-6);
    }

    @Test
    void rejectsPercentilesOutsideZeroToHundred() {
        assertThrows(IllegalArgumentException.class,
                () -> new CovariateShiftMonitor(Nd4j.zeros(2, 2), 0, 0, 1, true, 101));
    }
}
