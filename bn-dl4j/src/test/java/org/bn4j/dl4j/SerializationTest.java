package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import org.bn4j.core.NonFinitePolicy;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class SerializationTest {
    /** Every option away from its default, so that a field that fails to round-trip shows. */
    private static BatchNorm everyOptionSet() {
        return new BatchNorm.Builder().eps(1e-3).decay(0.75).lockGammaBeta(true).gamma(1.5).beta(-0.5)
                .cumulativeAverage(true).unbiasedVariance(true).nonFinitePolicy(NonFinitePolicy.PROPAGATE)
                .dataFormat(CNN2DFormat.NHWC).rnnDataFormat(RNNFormat.NWC)
                .cnn3DDataFormat(Convolution3D.DataFormat.NDHWC)
                .nIn(3).nOut(3).name("bn").build();
    }

    @Test
    void everyOptionSurvivesAJsonRoundTrip() {
        MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().list()
                .layer(everyOptionSet()).build();

        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(conf.toJson());

        BatchNorm layer = (BatchNorm) restored.getConf(0).getLayer();
        assertEquals(everyOptionSet().toString(), layer.toString());
        assertEquals(conf.getConf(0).getLayer(), layer);
        assertEquals(conf, restored);
    }

    /** The variant options away from their defaults (frozen statistics excludes renorm and ghosts, so two sets). */
    private static BatchNorm[] everyVariantSet() {
        return new BatchNorm[] {
                new BatchNorm.Builder().renorm(3, 5).renormWarmup(5000, 20000).ghostBatchSize(16).frozenGammaBeta(true)
                        .nIn(3).nOut(3).name("renorm").build(),
                new BatchNorm.Builder().frozenStatistics(true).nIn(3).nOut(3).name("frozen").build()};
    }

    @Test
    void everyVariantOptionSurvivesAJsonRoundTrip() {
        MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().list()
                .layer(everyVariantSet()[0]).layer(everyVariantSet()[1]).build();

        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(conf.toJson());

        for (int i = 0; i < 2; i++) {
            BatchNorm layer = (BatchNorm) restored.getConf(i).getLayer();
            assertEquals(everyVariantSet()[i].toString(), layer.toString());
            assertEquals(everyVariantSet()[i].toCoreConfig(), layer.toCoreConfig());
        }
        assertEquals(conf, restored);
    }

    @Test
    void variantOptionsSurviveModelSerializer(@TempDir Path dir) throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD,
                new BatchNorm.Builder().renorm(2, 1).renormWarmup(1, 4).ghostBatchSize(3).build(), DataType.FLOAT,
                new Adam(1e-2));
        for (int step = 0; step < 3; step++) {
            net.fit(InputKind.FEED_FORWARD.features(DataType.FLOAT, step),
                    InputKind.FEED_FORWARD.labels(DataType.FLOAT, step));
        }
        File file = dir.resolve("net.zip").toFile();

        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        assertEquals(net.getLayerWiseConfigurations(), restored.getLayerWiseConfigurations());
        net.fit(InputKind.FEED_FORWARD.features(DataType.FLOAT, 7), InputKind.FEED_FORWARD.labels(DataType.FLOAT, 7));
        restored.fit(InputKind.FEED_FORWARD.features(DataType.FLOAT, 7),
                InputKind.FEED_FORWARD.labels(DataType.FLOAT, 7));
        assertEquals(net.params(), restored.params(), "training continues identically with renorm and ghost batches");
    }

    @Test
    void defaultsSurviveAJsonRoundTrip() {
        MultiLayerConfiguration conf = Networks
                .list(InputKind.CNN_NHWC, new BatchNorm.Builder().build(), DataType.FLOAT,
                        new Adam(), org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED)
                .build();

        MultiLayerConfiguration restored = MultiLayerConfiguration.fromJson(conf.toJson());

        assertEquals(conf, restored);
        assertEquals(CNN2DFormat.NHWC, ((BatchNorm) restored.getConf(1).getLayer()).getCnn2DFormat());
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NHWC", "RNN_NWC", "CNN3D_NCDHW"})
    void multiLayerNetworkRestoresWithIdenticalOutputs(InputKind kind, @TempDir Path dir) throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        MultiLayerNetwork net = Networks.multiLayer(kind, new BatchNorm.Builder().build(), DataType.FLOAT,
                new Adam(1e-2));
        for (int step = 0; step < 3; step++) {
            net.fit(kind.features(DataType.FLOAT, step), kind.labels(DataType.FLOAT, step));
        }
        File file = dir.resolve("net.zip").toFile();

        ModelSerializer.writeModel(net, file, true);
        MultiLayerNetwork restored = ModelSerializer.restoreMultiLayerNetwork(file, true);

        INDArray x = kind.features(DataType.FLOAT, 42);
        assertEquals(net.output(x, false), restored.output(x, false));
        assertEquals(net.params(), restored.params());
        assertEquals(net.getUpdater().getStateViewArray(), restored.getUpdater().getStateViewArray());
        // Training continues identically, running statistics included.
        net.fit(kind.features(DataType.FLOAT, 7), kind.labels(DataType.FLOAT, 7));
        restored.fit(kind.features(DataType.FLOAT, 7), kind.labels(DataType.FLOAT, 7));
        assertEquals(net.params(), restored.params());
    }

    @ParameterizedTest
    @EnumSource(value = InputKind.class, names = {"FEED_FORWARD", "CNN_NCHW", "RNN_NCW"})
    void computationGraphRestoresWithIdenticalOutputs(InputKind kind, @TempDir Path dir) throws Exception {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        ComputationGraph net = Networks.graph(kind, new BatchNorm.Builder().decay(0.5).build(), DataType.FLOAT,
                new Adam(1e-2));
        for (int step = 0; step < 3; step++) {
            net.fit(new INDArray[] {kind.features(DataType.FLOAT, step)},
                    new INDArray[] {kind.labels(DataType.FLOAT, step)});
        }
        File file = dir.resolve("graph.zip").toFile();

        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);

        INDArray x = kind.features(DataType.FLOAT, 42);
        assertEquals(net.outputSingle(false, x), restored.outputSingle(false, x));
        assertEquals(ComputationGraphConfiguration.fromJson(net.getConfiguration().toJson()),
                restored.getConfiguration());
    }
}
