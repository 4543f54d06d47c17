package org.bn4j.dl4j;

import static org.bn4j.dl4j.EquivalenceWithBuiltInTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Batch renormalization, ghost batches and frozen statistics as the layer runs them inside a network. */
class BatchNormVariantsTest {
    private static final int C = 3;

    @BeforeEach
    void floatPrecision() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /** BN straight on the input, then a linear output layer trained with Adam. */
    private static MultiLayerNetwork bnFirst(BatchNorm bn) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(Networks.SEED).updater(new Adam(0.05))
                .list()
                .layer(bn)
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.feedForward(C)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray batch(long seed, int examples) {
        return TestArrays.uniform(DataType.FLOAT, seed, 2, 5, examples, C);
    }

    private static INDArray targets(long seed, int examples) {
        return TestArrays.uniform(DataType.FLOAT, seed + 1000, 0, 1, examples, 2);
    }

    private static INDArray trainingOutputOfBn(MultiLayerNetwork net, INDArray x) {
        return net.feedForward(x, true).get(1);
    }

    private static void fit(MultiLayerNetwork net, int steps) {
        for (int step = 0; step < steps; step++) {
            net.fit(batch(step, 8), targets(step, 8));
        }
    }

    private static void assertRejected(String expected, Executable call) {
        Throwable e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), "message should contain '" + expected + "': " + e.getMessage());
    }

    @Nested
    class Renormalization {
        @Test
        void withRMaxOneAndDMaxZeroTrainsExactlyAsPlainBatchNorm() {
            MultiLayerNetwork plain = bnFirst(new BatchNorm.Builder().build());
            MultiLayerNetwork renorm = bnFirst(new BatchNorm.Builder().renorm(1, 0).build());

            fit(plain, 5);
            fit(renorm, 5);

            assertEquals(plain.params(), renorm.params());
        }

        @Test
        void correctsTowardsTheRunningStatisticsOnceTheWarmUpIsOver() {
            MultiLayerNetwork net = bnFirst(new BatchNorm.Builder().renorm(1.25, 0.5).renormWarmup(3, 0).build());
            MultiLayerNetwork plain = bnFirst(new BatchNorm.Builder().build());
            // Running statistics far from the data: r clips to 1 / 1.25, d to -0.5 once the warm-up is over.
            net.getLayer(0).getParam(BatchNormParamInitializer.MEAN).assign(100);
            net.getLayer(0).getParam(BatchNormParamInitializer.VAR).assign(900);
            INDArray x = batch(7, 8);
            INDArray plainOut = trainingOutputOfBn(plain, x);

            // fit() hands the network's iteration count to each layer; set the layer's as fit would
            net.getLayer(0).setIterationCount(2);
            assertEquals(plainOut, trainingOutputOfBn(net, x), "iteration 2 is inside the warm-up");

            net.getLayer(0).setIterationCount(3);
            // gamma 1, beta 0: y = xHat * r + d
            assertClose(plainOut.mul(1 / 1.25).sub(0.5), trainingOutputOfBn(net, x), 1e-5, "renormalized output");
        }
    }

    @Nested
    class GhostBatches {
        @Test
        void normalizeEachRunOfExamplesOnItsOwn() {
            MultiLayerNetwork ghosts = bnFirst(new BatchNorm.Builder().ghostBatchSize(4).build());
            MultiLayerNetwork plain = bnFirst(new BatchNorm.Builder().build());
            INDArray x = batch(3, 8);

            INDArray y = trainingOutputOfBn(ghosts, x);

            INDArray first = trainingOutputOfBn(plain, x.get(NDArrayIndex.interval(0, 4), NDArrayIndex.all()).dup());
            INDArray second = trainingOutputOfBn(plain, x.get(NDArrayIndex.interval(4, 8), NDArrayIndex.all()).dup());
            assertClose(Nd4j.concat(0, first, second), y, 1e-6, "ghost-batch output");
        }

        @Test
        void aMinibatchTheGhostSizeDoesNotDivideIsRejectedAndChangesNothing() {
            MultiLayerNetwork net = bnFirst(new BatchNorm.Builder().ghostBatchSize(4).name("ghosts").build());
            INDArray before = net.params().dup();

            assertRejected(
                    "BatchNorm layer \"ghosts\" (index 0): the ghost batch size 4 does not divide the batch of 6",
                    () -> net.fit(batch(1, 6), targets(1, 6)));

            assertEquals(before, net.params());
        }

        @Test
        void withAMaskAreRejected() {
            MultiLayerNetwork net = Networks.multiLayer(InputKind.RNN_NCW,
                    new BatchNorm.Builder().ghostBatchSize(1).build(),
                    DataType.FLOAT, new Adam());
            INDArray mask = Nd4j.ones(DataType.FLOAT, 3, 4);
            mask.putScalar(0, 3, 0);

            assertRejected("cannot be combined with a mask",
                    () -> net.fit(InputKind.RNN_NCW.features(DataType.FLOAT, 1),
                            InputKind.RNN_NCW.labels(DataType.FLOAT, 1), mask, mask));
        }
    }

    @Nested
    class FrozenStatistics {
        private MultiLayerNetwork frozen(boolean frozenGammaBeta) {
            MultiLayerNetwork net = bnFirst(
                    new BatchNorm.Builder().frozenStatistics(true).frozenGammaBeta(frozenGammaBeta).build());
            net.getLayer(0).getParam(BatchNormParamInitializer.MEAN)
                    .assign(TestArrays.uniform(DataType.FLOAT, 1, 2, 5, C));
            net.getLayer(0).getParam(BatchNormParamInitializer.VAR)
                    .assign(TestArrays.uniform(DataType.FLOAT, 2, 0.5, 2, C));
            return net;
        }

        @Test
        void normalizeWithTheRunningStatisticsInTraining() {
            MultiLayerNetwork net = frozen(false);
            INDArray x = batch(4, 8);

            assertEquals(net.feedForward(x, false).get(1), trainingOutputOfBn(net, x));
        }

        @Test
        void neverChangeWhileGammaAndBetaLearn() {
            MultiLayerNetwork net = frozen(false);
            INDArray mean = net.getLayer(0).getParam(BatchNormParamInitializer.MEAN).dup();
            INDArray var = net.getLayer(0).getParam(BatchNormParamInitializer.VAR).dup();
            INDArray gamma = net.getLayer(0).getParam(BatchNormParamInitializer.GAMMA).dup();

            fit(net, 5);

            assertEquals(mean, net.getLayer(0).getParam(BatchNormParamInitializer.MEAN));
            assertEquals(var, net.getLayer(0).getParam(BatchNormParamInitializer.VAR));
            assertNotEquals(gamma, net.getLayer(0).getParam(BatchNormParamInitializer.GAMMA));
        }

        @Test
        void withFrozenGammaBetaKeepTheWholeLayerFixedUnderAdam() {
            MultiLayerNetwork net = frozen(true);
            net.getLayer(0).getParam(BatchNormParamInitializer.GAMMA).assign(1.5);
            INDArray bnParams = net.getLayer(0).params().dup();
            INDArray outputWeights = net.getLayer(1).params().dup();

            fit(net, 5);

            assertEquals(bnParams, net.getLayer(0).params());
            assertNotEquals(outputWeights, net.getLayer(1).params(), "the layers around it still train");
        }

        @Test
        void aTrainedNetworkIsFineTunedThroughANewConfigurationWithItsParameters() {
            MultiLayerNetwork trained = bnFirst(new BatchNorm.Builder().build());
            fit(trained, 3);
            MultiLayerConfiguration conf = bnFirst(new BatchNorm.Builder().frozenStatistics(true).build())
                    .getLayerWiseConfigurations();

            MultiLayerNetwork fineTuned = new MultiLayerNetwork(conf);
            fineTuned.init(trained.params(), true);

            INDArray x = batch(9, 8);
            assertEquals(trained.output(x, false), fineTuned.output(x, false));
            assertEquals(trained.feedForward(x, false).get(1), trainingOutputOfBn(fineTuned, x));
            INDArray mean = fineTuned.getLayer(0).getParam(BatchNormParamInitializer.MEAN).dup();
            fit(fineTuned, 2);
            assertEquals(mean, fineTuned.getLayer(0).getParam(BatchNormParamInitializer.MEAN));
        }

        @Test
        void frozenGammaBetaAloneStillUpdatesTheRunningStatistics() {
            MultiLayerNetwork net = bnFirst(new BatchNorm.Builder().frozenGammaBeta(true).build());
            INDArray gamma = net.getLayer(0).getParam(BatchNormParamInitializer.GAMMA).dup();
            INDArray mean = net.getLayer(0).getParam(BatchNormParamInitializer.MEAN).dup();

            fit(net, 3);

            assertEquals(gamma, net.getLayer(0).getParam(BatchNormParamInitializer.GAMMA));
            assertNotEquals(mean, net.getLayer(0).getParam(BatchNormParamInitializer.MEAN));
        }
    }

    @Nested
    class BadOptions {
        @Test
        void rMaxBelowOne() {
            assertRejected("rMax >= 1", () -> new BatchNorm.Builder().renorm(0.5, 1).build());
        }

        @Test
        void negativeDMax() {
            assertRejected("dMax >= 0", () -> new BatchNorm.Builder().renorm(2, -1).build());
        }

        @Test
        void negativeRenormWarmUp() {
            assertRejected("warm-up and ramp must be >= 0",
                    () -> new BatchNorm.Builder().renorm(2, 1).renormWarmup(-5, 0).build());
        }

        @Test
        void negativeGhostBatchSize() {
            assertRejected("ghostBatchSize must be >= 0", () -> new BatchNorm.Builder().ghostBatchSize(-1).build());
        }

        @Test
        void frozenStatisticsWithRenormOrGhostBatches() {
            assertRejected("renorm would have no effect",
                    () -> new BatchNorm.Builder().frozenStatistics(true).renorm(2, 1).build());
            assertRejected("ghostBatchSize would have no effect",
                    () -> new BatchNorm.Builder().frozenStatistics(true).ghostBatchSize(2).build());
        }

        @Test
        void lockedAndFrozenGammaBeta() {
            assertRejected("choose one",
                    () -> new BatchNorm.Builder().lockGammaBeta(true).frozenGammaBeta(true).build());
        }
    }
}
