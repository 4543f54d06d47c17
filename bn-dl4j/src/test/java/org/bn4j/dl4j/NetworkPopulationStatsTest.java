package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.bn4j.core.PopulationStats;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The population statistics of a network's BN layers gathered on copies of it and merged, as a cluster does. */
class NetworkPopulationStatsTest {
    private static final int BN = 1;

    @BeforeEach
    void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    private static MultiLayerNetwork network(InputKind kind, BatchNorm bn) {
        MultiLayerNetwork net = Networks.multiLayer(kind, bn, DataType.DOUBLE, new Sgd(0.1));
        net.fit(kind.features(DataType.DOUBLE, 7), kind.labels(DataType.DOUBLE, 7));
        return net;
    }

    private static List<DataSet> batches(InputKind kind, int count) {
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            batches.add(new DataSet(kind.features(DataType.DOUBLE, 20 + b), null));
        }
        return batches;
    }

    private static MultiDataSet asMulti(DataSet batch) {
        return new MultiDataSet(batch.getFeatures(), null);
    }

    private static double[] param(MultiLayerNetwork net, String key) {
        return net.getLayer(BN).getParam(key).toDoubleVector();
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC", "RNN_NCW"})
    void partialsOfCopiesMergedEqualOneRecomputeOverEveryBatch(InputKind kind) {
        MultiLayerNetwork net = network(kind, new BatchNorm.Builder().build());
        MultiLayerNetwork single = net.clone();
        List<DataSet> batches = batches(kind, 5);
        PreciseStatistics.builder().build().recompute(single, new ExistingDataSetIterator(batches));

        NetworkPopulationStats driver = NetworkPopulationStats.of(net);
        for (List<DataSet> share : List.of(batches.subList(0, 2), batches.subList(2, 5))) {
            NetworkPopulationStats worker = NetworkPopulationStats.of(net.clone());
            share.forEach(batch -> worker.add(asMulti(batch)));
            driver.merge(worker.partials());
        }
        driver.write();

        assertEquals(5, driver.batches());
        assertArrayEquals(param(single, BatchNormParamInitializer.MEAN), param(net, BatchNormParamInitializer.MEAN),
                1e-13);
        assertArrayEquals(param(single, BatchNormParamInitializer.VAR), param(net, BatchNormParamInitializer.VAR),
                1e-13);
    }

    @Test
    void partialsAreCopiesThatLaterBatchesDoNotChange() {
        MultiLayerNetwork net = network(InputKind.FEED_FORWARD, new BatchNorm.Builder().build());
        NetworkPopulationStats stats = NetworkPopulationStats.of(net);
        List<DataSet> batches = batches(InputKind.FEED_FORWARD, 2);
        stats.add(asMulti(batches.get(0)));

        List<PopulationStats> partials = stats.partials();
        stats.add(asMulti(batches.get(1)));

        assertEquals(1, partials.get(0).batches());
        assertEquals(2, stats.batches());
    }

    @Test
    void mergeRefusesPartialsOfAnotherNetworkAndKeepsWhatItHad() {
        NetworkPopulationStats stats = NetworkPopulationStats.of(
                network(InputKind.FEED_FORWARD, new BatchNorm.Builder().build()));

        IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () -> stats.merge(List.of()));
        IllegalArgumentException channels = assertThrows(IllegalArgumentException.class,
                () -> stats.merge(List.of(new PopulationStats(7))));

        assertTrue(count.getMessage().contains("1 BN layer(s), got 0"), count.getMessage());
        assertTrue(channels.getMessage().contains("has 3 channels") && channels.getMessage().contains("have 7"),
                channels.getMessage());
        assertEquals(0, stats.batches());
    }

    @Test
    void writeBeforeAnyBatchIsAnErrorAndChangesNothing() {
        MultiLayerNetwork net = network(InputKind.FEED_FORWARD, new BatchNorm.Builder().build());
        double[] params = net.params().toDoubleVector();

        NetworkPopulationStats stats = NetworkPopulationStats.of(net);

        IllegalStateException e = assertThrows(IllegalStateException.class, stats::write);

        assertTrue(e.getMessage().contains("no batch statistics"), e.getMessage());
        assertArrayEquals(params, net.params().toDoubleVector());
    }

    @Test
    void layersInsideFrozenWrappersOrWithFrozenStatisticsAreListedAsKeptWithTheReason() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(new FrozenLayerWithBackprop(new BatchNorm.Builder().build()))
                .layer(new BatchNorm.Builder().name("fixed").frozenStatistics(true).build())
                .layer(new BatchNorm.Builder().name("live").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).build())
                .setInputType(InputType.feedForward(4)).build());
        net.init();

        NetworkPopulationStats stats = NetworkPopulationStats.of(net);

        assertEquals(List.of("BatchNorm layer \"live\" (index 3)"), stats.layers());
        // DL4J gives a wrapped layer its wrapper's name, here the list's default
        assertEquals(List.of("BatchNorm layer \"layer1\" (index 1): inside a frozen layer",
                "BatchNorm layer \"fixed\" (index 2): frozenStatistics"), stats.keptLayers());
    }

    @Test
    void aNetworkWhoseOnlyLayerHasFrozenStatisticsIsRefusedNamingIt() {
        MultiLayerNetwork net = network(InputKind.FEED_FORWARD, new BatchNorm.Builder().name("bn")
                .frozenStatistics(true).build());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NetworkPopulationStats.of(net));

        assertTrue(e.getMessage().contains("no bn4j BatchNorm layer") && e.getMessage().contains("\"bn\" (index 1): "
                + "frozenStatistics"), e.getMessage());
    }
}
