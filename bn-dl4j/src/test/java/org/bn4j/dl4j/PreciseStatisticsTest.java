package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bn4j.core.RunningVariance;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.dataset.adapter.MultiDataSetIteratorAdapter;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class PreciseStatisticsTest {
    private static final PreciseStatistics ALL_BATCHES = PreciseStatistics.builder().build();
    /** Batch sizes with a smaller last batch, as an iterator over a data set gives. */
    private static final int[] SIZES = {5, 5, 2};
    /** Index of the BN layer in {@link Networks#multiLayer}: linear, BN, activation, head. */
    private static final int BN = 1;

    @BeforeEach
    void doublePrecision() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    // --- data and reference ---

    private static List<DataSet> batches(InputKind kind, DataType type, long seed, int... sizes) {
        List<DataSet> batches = new ArrayList<>();
        for (int b = 0; b < sizes.length; b++) {
            long[] shape = kind.inputShape.clone();
            shape[0] = sizes[b];
            batches.add(new DataSet(TestArrays.uniform(type, seed + b, -1.5, 2.5, shape), null));
        }
        return batches;
    }

    private static int channelAxis(InputKind kind) {
        return switch (kind) {
            case CNN_NHWC -> 3;
            case RNN_NWC -> 2;
            case CNN3D_NDHWC -> 4;
            default -> 1;
        };
    }

    /** @return the population statistics of what the multi-layer network's BN layer sees in training mode */
    private static PopulationReference reference(MultiLayerNetwork net, InputKind kind, List<DataSet> batches) {
        PopulationReference ref = new PopulationReference(kind.channels);
        for (DataSet batch : batches) {
            // activations: index 0 the input, index i + 1 the output of layer i
            ref.add(net.feedForward(batch.getFeatures(), true).get(BN), channelAxis(kind), null);
        }
        return ref;
    }

    /** Passes when {@code |expected - actual| <= tolerance * max(1, |expected|)} everywhere. */
    private static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                fail(what + " differs at " + i + ": expected " + expected[i] + " but was " + actual[i] + " (allowed "
                        + allowed + ")");
            }
        }
    }

    private static double[] param(org.deeplearning4j.nn.api.Layer layer, String key) {
        return layer.getParam(key).castTo(DataType.DOUBLE).toDoubleVector();
    }

    private static MultiLayerNetwork trained(InputKind kind, org.deeplearning4j.nn.conf.layers.Layer bn,
                                             DataType type) {
        MultiLayerNetwork net = Networks.multiLayer(kind, bn, type, new Adam(0.05));
        for (int step = 0; step < 3; step++) {
            net.fit(kind.features(type, 100 + step), kind.labels(type, 100 + step));
        }
        return net;
    }

    private static BatchNorm bn(RunningVariance variance) {
        return new BatchNorm.Builder().unbiasedVariance(variance == RunningVariance.UNBIASED).build();
    }

    // --- what the statistics are ---

    @ParameterizedTest(name = "{0}")
    @EnumSource(InputKind.class)
    void unbiasedStatisticsAreThePopulationStatisticsOfTheLayerInputs(InputKind kind) {
        MultiLayerNetwork net = trained(kind, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(kind, DataType.DOUBLE, 1, SIZES);
        PopulationReference expected = reference(net, kind, data);

        int used = ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertEquals(SIZES.length, used);
        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(InputKind.class)
    void statisticsStayThoseOfTheLayerInputsWithAnActivation(InputKind kind) {
        MultiLayerNetwork net = trained(kind, new BatchNorm.Builder().unbiasedVariance(true)
                .activation(org.nd4j.linalg.activations.Activation.RELU).build(), DataType.DOUBLE);
        List<DataSet> data = batches(kind, DataType.DOUBLE, 1, SIZES);
        PopulationReference expected = reference(net, kind, data);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NCHW", "RNN_NWC"})
    void biasedStatisticsAreTheAverageBatchVariance(InputKind kind) {
        MultiLayerNetwork net = trained(kind, bn(RunningVariance.BIASED), DataType.DOUBLE);
        List<DataSet> data = batches(kind, DataType.DOUBLE, 2, SIZES);
        PopulationReference expected = reference(net, kind, data);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.BIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC"})
    void floatNetworkGetsTheReferenceRoundedToFloat(InputKind kind) {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = trained(kind, bn(RunningVariance.UNBIASED), DataType.FLOAT);
        List<DataSet> data = batches(kind, DataType.FLOAT, 3, SIZES);
        PopulationReference expected = reference(net, kind, data);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        // bn-core accumulates float inputs in double; only the store into float parameters rounds
        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-6, "mean");
        assertClose(expected.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-6, "var");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"RNN_NCW", "RNN_NWC"})
    void featureMasksLimitTheStatisticsToKeptSteps(InputKind kind) {
        MultiLayerNetwork net = trained(kind, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(kind, DataType.DOUBLE, 4, 3, 2);
        long steps = 4;
        PopulationReference expected = new PopulationReference(kind.channels);
        for (DataSet batch : data) {
            long n = batch.getFeatures().size(0);
            INDArray mask = Nd4j.ones(DataType.DOUBLE, n, steps);
            for (int i = 0; i < n; i++) {   // sequences of lengths 4, 3, 2, ...
                for (long t = steps - i; t < steps; t++) {
                    mask.putScalar(i, t, 0);
                }
            }
            batch.setFeaturesMaskArray(mask);
            INDArray rnnOut = net.feedForward(batch.getFeatures(), mask, null).get(BN);
            expected.add(rnnOut, channelAxis(kind), mask);
        }

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @Test
    void everyBatchNormLayerOfADeeperNetworkGetsItsOwnStatistics() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nOut(5).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().unbiasedVariance(true).build())
                .layer(new DenseLayer.Builder().nOut(3).hasBias(false).activation(Activation.TANH).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 5, SIZES);
        PopulationReference first = new PopulationReference(5);
        PopulationReference second = new PopulationReference(3);
        for (DataSet batch : data) {
            List<INDArray> activations = net.feedForward(batch.getFeatures(), true);
            first.add(activations.get(1), 1, null);
            second.add(activations.get(3), 1, null);
        }

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertClose(first.mean(), param(net.getLayer(1), "mean"), 1e-10, "first mean");
        assertClose(first.var(RunningVariance.UNBIASED), param(net.getLayer(1), "var"), 1e-10, "first var");
        assertClose(second.mean(), param(net.getLayer(3), "mean"), 1e-10, "second mean");
        assertClose(second.var(RunningVariance.BIASED), param(net.getLayer(3), "var"), 1e-10, "second var");
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC", "RNN_NCW"})
    void graphStatisticsMatchTheReferenceFromEitherIteratorKind(InputKind kind) {
        for (boolean multi : new boolean[] {false, true}) {
            ComputationGraph graph = Networks.graph(kind, bn(RunningVariance.UNBIASED), DataType.DOUBLE,
                    new Adam(0.05));
            graph.fit(new DataSet(kind.features(DataType.DOUBLE, 7), kind.labels(DataType.DOUBLE, 7)));
            List<DataSet> data = batches(kind, DataType.DOUBLE, 6, SIZES);
            PopulationReference expected = new PopulationReference(kind.channels);
            for (DataSet batch : data) {
                expected.add(graph.feedForward(batch.getFeatures(), true).get("linear"), channelAxis(kind), null);
            }

            DataSetIterator iterator = new ExistingDataSetIterator(data);
            int used = multi
                    ? ALL_BATCHES.recompute(graph, (MultiDataSetIterator) new MultiDataSetIteratorAdapter(iterator))
                    : ALL_BATCHES.recompute(graph, iterator);

            assertEquals(SIZES.length, used);
            assertClose(expected.mean(), param(graph.getLayer("bn"), "mean"), 1e-10, "mean");
            assertClose(expected.var(RunningVariance.UNBIASED), param(graph.getLayer("bn"), "var"), 1e-10, "var");
        }
    }

    // --- what else changes: nothing ---

    @Test
    void onlyTheRunningStatisticsChange() {
        MultiLayerNetwork net = trained(InputKind.CNN_NCHW, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        Map<String, INDArray> before = new HashMap<>();
        net.paramTable().forEach((key, value) -> before.put(key, value.dup()));
        INDArray updaterState = net.getUpdater().getStateViewArray().dup();
        int iterations = net.getIterationCount();
        int epochs = net.getEpochCount();
        String json = net.getLayerWiseConfigurations().toJson();

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(batches(InputKind.CNN_NCHW, DataType.DOUBLE, 8, SIZES)));

        for (Map.Entry<String, INDArray> param : before.entrySet()) {
            String key = param.getKey();
            if (key.equals(BN + "_mean") || key.equals(BN + "_var")) {
                assertNotEquals(param.getValue(), net.getParam(key), key + " should be recomputed");
            } else {
                assertArrayEquals(param.getValue().reshape(-1).toDoubleVector(),
                        net.getParam(key).reshape(-1).toDoubleVector(),
                        key + " changed");
            }
        }
        assertArrayEquals(updaterState.toDoubleVector(), net.getUpdater().getStateViewArray().toDoubleVector());
        assertEquals(iterations, net.getIterationCount());
        assertEquals(epochs, net.getEpochCount());
        assertEquals(json, net.getLayerWiseConfigurations().toJson());
    }

    @Test
    void inferenceNormalizesWithTheNewStatistics() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 9, SIZES);
        PopulationReference population = reference(net, InputKind.FEED_FORWARD, data);
        INDArray x = InputKind.FEED_FORWARD.features(DataType.DOUBLE, 10);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        // up to BN only: DL4J's ActivationLayer applies tanh in place on BN's output in inference
        List<INDArray> activations = net.feedForwardToLayer(BN, x, false);
        double[][] h = activations.get(BN).toDoubleMatrix();
        double[][] y = activations.get(BN + 1).toDoubleMatrix();
        double[] mean = population.mean();
        double[] var = population.var(RunningVariance.UNBIASED);
        double[] gamma = param(net.getLayer(BN), "gamma");
        double[] beta = param(net.getLayer(BN), "beta");
        for (int i = 0; i < h.length; i++) {
            double[] expected = new double[mean.length];
            for (int ch = 0; ch < mean.length; ch++) {
                expected[ch] = gamma[ch] * (h[i][ch] - mean[ch]) / Math.sqrt(var[ch] + 1e-5) + beta[ch];
            }
            assertClose(expected, y[i], 1e-9, "inference output of example " + i);
        }
    }

    @Test
    void aFailingBatchLeavesEveryParameterAsItWas() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        INDArray params = net.params().dup();
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 11, SIZES);
        data.get(2).getFeatures().putScalar(0, 1, Double.NaN);   // the default NonFinitePolicy.REJECT refuses it

        assertThrows(IllegalArgumentException.class,
                () -> ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data)));

        assertArrayEquals(params.toDoubleVector(), net.params().toDoubleVector());
    }

    // --- how the iterator is read ---

    @Test
    void readsAtMostTheBatchesAskedFor() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 12, 4, 4, 4, 4, 4);
        PopulationReference firstTwo = reference(net, InputKind.FEED_FORWARD, data.subList(0, 2));
        DataSetIterator iterator = new ExistingDataSetIterator(data);

        int used = PreciseStatistics.builder().batches(2).build().recompute(net, iterator);

        assertEquals(2, used);
        assertClose(firstTwo.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(firstTwo.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
        assertEquals(data.get(2).getFeatures(), iterator.next().getFeatures(),
                "the iterator stops after the batches used");
    }

    @Test
    void readsTheIteratorFromWhereItStands() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 13, SIZES);
        PopulationReference lastTwo = reference(net, InputKind.FEED_FORWARD, data.subList(1, 3));
        DataSetIterator iterator = new ExistingDataSetIterator(data);
        iterator.next();

        int used = ALL_BATCHES.recompute(net, iterator);

        assertEquals(2, used);
        assertClose(lastTwo.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
    }

    @Test
    void resetsAnExhaustedIteratorFirst() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 14, SIZES);
        DataSetIterator iterator = new ExistingDataSetIterator(data);
        while (iterator.hasNext()) {
            iterator.next();
        }

        assertEquals(SIZES.length, ALL_BATCHES.recompute(net, iterator));
    }

    @Test
    void anIteratorWithoutBatchesIsAnError() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        INDArray params = net.params().dup();
        DataSetIterator oneShot = new ExistingDataSetIterator(
                batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 15, 4).iterator());
        oneShot.next();

        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> ALL_BATCHES.recompute(net, new ExistingDataSetIterator(List.of())));
        IllegalArgumentException exhausted = assertThrows(IllegalArgumentException.class,
                () -> ALL_BATCHES.recompute(net, oneShot));

        assertTrue(empty.getMessage().contains("gives no batch, even after a reset"), empty.getMessage());
        assertTrue(exhausted.getMessage().contains("does not support resetting"), exhausted.getMessage());
        assertArrayEquals(params.toDoubleVector(), net.params().toDoubleVector());
    }

    // --- options and networks it refuses ---

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void batchesMustBePositive(int batches) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PreciseStatistics.builder().batches(batches).build());
        assertTrue(e.getMessage().contains("batches must be at least 1, got " + batches), e.getMessage());
    }

    @Test
    void refusesDl4jsBuiltInBatchNormalizationAndPointsToTheSwap() {
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNormalization.Builder().name("old").build(),
                DataType.DOUBLE, new Sgd(0.1));
        INDArray params = net.params().dup();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ALL_BATCHES.recompute(net,
                new ExistingDataSetIterator(batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 16, SIZES))));

        assertTrue(e.getMessage().contains("\"old\" (index 1)") && e.getMessage().contains("BatchNormSwap"),
                e.getMessage());
        assertArrayEquals(params.toDoubleVector(), net.params().toDoubleVector());
    }

    @Test
    void worksAfterTheBuiltInIsSwapped() {
        MultiLayerNetwork net = BatchNormSwap.replaceBuiltIn(Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNormalization.Builder().build(), DataType.DOUBLE, new Sgd(0.1)));
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 17, SIZES);
        PopulationReference expected = reference(net, InputKind.FEED_FORWARD, data);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        // the swap keeps the built-in's biased variance
        assertClose(expected.var(RunningVariance.BIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @ParameterizedTest(name = "wrapped in FrozenLayerWithBackprop {0}")
    @ValueSource(booleans = {true, false})
    void frozenLayersKeepTheirStatistics(boolean wrapped) {
        org.deeplearning4j.nn.conf.layers.Layer frozen = wrapped
                ? new FrozenLayerWithBackprop(new BatchNorm.Builder().build())
                : new BatchNorm.Builder().frozenStatistics(true).build();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DenseLayer.Builder().nOut(3).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(frozen)
                .layer(new DenseLayer.Builder().nOut(3).hasBias(false).activation(Activation.IDENTITY).build())
                .layer(new BatchNorm.Builder().build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(1).getParam("mean").assign(0.25);
        net.getLayer(1).getParam("var").assign(2.0);
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 18, SIZES);
        PopulationReference unfrozen = new PopulationReference(3);
        for (DataSet batch : data) {
            unfrozen.add(net.feedForward(batch.getFeatures(), true).get(3), 1, null);
        }

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertArrayEquals(new double[] {0.25, 0.25, 0.25}, param(net.getLayer(1), "mean"));
        assertArrayEquals(new double[] {2, 2, 2}, param(net.getLayer(1), "var"));
        assertClose(unfrozen.mean(), param(net.getLayer(3), "mean"), 1e-10, "unfrozen mean");
    }

    @Test
    void layersInsideOtherWrappersAreRecomputed() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(InputKind.RNN_NCW.linear())
                .layer(new TimeDistributed(new BatchNorm.Builder().unbiasedVariance(true).build(), RNNFormat.NCW))
                .layer(InputKind.RNN_NCW.head()[0])
                .setInputType(InputKind.RNN_NCW.inputType).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> data = batches(InputKind.RNN_NCW, DataType.DOUBLE, 27, SIZES);
        PopulationReference expected = reference(net, InputKind.RNN_NCW, data);

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        assertClose(expected.mean(), param(net.getLayer(BN), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.UNBIASED), param(net.getLayer(BN), "var"), 1e-10, "var");
    }

    @Test
    void aGraphBranchThatLeadsToNoOutputIsRecomputedToo() {
        // DL4J's graph output runs every vertex, connected to an output or not
        ComputationGraph graph = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("in")
                .addLayer("linear", InputKind.FEED_FORWARD.linear(), "in")
                .addLayer("bn", new BatchNorm.Builder().build(), "linear")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "bn")
                .addLayer("dangling", new BatchNorm.Builder().build(), "linear")
                .setOutputs("out").allowDisconnected(true).setInputTypes(InputKind.FEED_FORWARD.inputType).build());
        graph.init();
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 28, SIZES);
        PopulationReference expected = new PopulationReference(InputKind.FEED_FORWARD.channels);
        for (DataSet batch : data) {
            expected.add(graph.feedForward(batch.getFeatures(), true).get("linear"), 1, null);
        }

        ALL_BATCHES.recompute(graph, new ExistingDataSetIterator(data));

        assertClose(expected.mean(), param(graph.getLayer("dangling"), "mean"), 1e-10, "mean");
        assertClose(expected.var(RunningVariance.BIASED), param(graph.getLayer("dangling"), "var"), 1e-10, "var");
    }

    @Test
    void aNetworkWithNothingToRecomputeIsAnError() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nOut(3).activation(Activation.IDENTITY).build())
                .layer(new FrozenLayerWithBackprop(new BatchNorm.Builder().build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ALL_BATCHES.recompute(net,
                new ExistingDataSetIterator(batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 19, SIZES))));

        assertTrue(e.getMessage().contains("no bn4j BatchNorm layer"), e.getMessage());
    }

    @Test
    void aNetworkThatIsNotInitializedIsAnError() {
        MultiLayerNetwork net = new MultiLayerNetwork(
                Networks.list(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                        DataType.DOUBLE, new Sgd(0.1), org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED).build());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ALL_BATCHES.recompute(net,
                new ExistingDataSetIterator(batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 20, SIZES))));

        assertTrue(e.getMessage().contains("init()"), e.getMessage());
    }

    // --- training-mode layers, progress, serialization ---

    @Test
    void dropoutRunsAsInTrainingAndTheResultIsStillThePopulationOfWhatBnSaw() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED)
                .dataType(DataType.DOUBLE)
                .updater(new Sgd(0.1)).list()
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new BatchNorm.Builder().unbiasedVariance(true).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.feedForward(4)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        List<DataSet> data = batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 21, 64, 64);
        PopulationReference inference = new PopulationReference(4);
        for (DataSet batch : data) {
            inference.add(batch.getFeatures(), 1, null);
        }

        ALL_BATCHES.recompute(net, new ExistingDataSetIterator(data));

        // Inverted dropout with p = 0.5 zeroes about half the values and doubles the rest: the variance BN sees
        // grows well beyond that of the raw features. Not a value to match, a sign the pass ran in training mode.
        double[] var = param(net.getLayer(1), "var");
        double[] rawVar = inference.var(RunningVariance.UNBIASED);
        for (int ch = 0; ch < var.length; ch++) {
            assertTrue(var[ch] > 1.3 * rawVar[ch], "channel " + ch + ": " + var[ch] + " vs raw " + rawVar[ch]);
        }
    }

    @Test
    void showsAProgressBarOnStandardError() {
        MultiLayerNetwork net = trained(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int used;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            used = PreciseStatistics.builder().batches(2).showProgress(true).build().recompute(net,
                    new ExistingDataSetIterator(batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 22, SIZES)));
        } finally {
            System.setErr(err);
        }

        assertEquals(2, used);
        String shown = captured.toString(StandardCharsets.UTF_8);
        assertTrue(shown.contains("Precise BN statistics") && shown.contains("2/2"), shown);
    }

    @Test
    void progressIsOffByDefault() {
        assertFalse(ALL_BATCHES.showsProgress());
        assertEquals(Integer.MAX_VALUE, ALL_BATCHES.batches());
    }

    @Test
    void readmeSnippetRecomputesAfterTraining(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                DataType.DOUBLE,
                new Adam(0.05));
        List<DataSet> labelled = new ArrayList<>();
        for (int b = 0; b < 4; b++) {
            labelled.add(new DataSet(InputKind.FEED_FORWARD.features(DataType.DOUBLE, 30 + b),
                    InputKind.FEED_FORWARD.labels(DataType.DOUBLE, 30 + b)));
        }
        DataSetIterator trainData = new ExistingDataSetIterator(labelled);
        File file = dir.resolve("model.zip").toFile();

        // --- README: Precise statistics ---
        net.fit(trainData, 3);                                    // train as usual: BN keeps moving averages
        PreciseStatistics precise = PreciseStatistics.builder().batches(200).build();
        int used = precise.recompute(net, trainData);             // training-mode passes, no backprop, no update
        net.save(file);                                           // the new statistics are saved with the model
        // --- end ---

        assertEquals(4, used);
        PopulationReference expected = reference(net, InputKind.FEED_FORWARD, labelled);
        assertClose(expected.mean(), param(MultiLayerNetwork.load(file, true).getLayer(BN), "mean"), 1e-10,
                "saved mean");
    }

    @Test
    void recomputedStatisticsSurviveModelSerializer() throws Exception {
        MultiLayerNetwork net = trained(InputKind.CNN_NHWC, bn(RunningVariance.UNBIASED), DataType.DOUBLE);
        ALL_BATCHES.recompute(net,
                new ExistingDataSetIterator(batches(InputKind.CNN_NHWC, DataType.DOUBLE, 23, SIZES)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ModelSerializer.writeModel(net, bytes, true);
        MultiLayerNetwork restored = ModelSerializer
                .restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);

        assertEquals(net.getLayerWiseConfigurations(),
                MultiLayerConfiguration.fromJson(restored.getLayerWiseConfigurations().toJson()));
        assertArrayEquals(param(net.getLayer(BN), "mean"), param(restored.getLayer(BN), "mean"));
        assertArrayEquals(param(net.getLayer(BN), "var"), param(restored.getLayer(BN), "var"));
        INDArray x = InputKind.CNN_NHWC.features(DataType.DOUBLE, 24);
        assertEquals(net.output(x, false), restored.output(x, false));
    }

    @Test
    void recomputedGraphStatisticsSurviveModelSerializer() throws Exception {
        ComputationGraph graph = Networks.graph(InputKind.FEED_FORWARD, bn(RunningVariance.UNBIASED), DataType.DOUBLE,
                new Adam(0.05));
        ALL_BATCHES.recompute(graph,
                new ExistingDataSetIterator(batches(InputKind.FEED_FORWARD, DataType.DOUBLE, 25, SIZES)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        ModelSerializer.writeModel(graph, bytes, true);
        ComputationGraph restored = ModelSerializer
                .restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);

        assertArrayEquals(param(graph.getLayer("bn"), "mean"), param(restored.getLayer("bn"), "mean"));
        assertArrayEquals(param(graph.getLayer("bn"), "var"), param(restored.getLayer("bn"), "var"));
        INDArray x = InputKind.FEED_FORWARD.features(DataType.DOUBLE, 26);
        assertEquals(graph.outputSingle(false, x), restored.outputSingle(false, x));
    }
}
