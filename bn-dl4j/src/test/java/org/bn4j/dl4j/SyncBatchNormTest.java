package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bn4j.core.RunningStats;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.ParallelWrapper.TrainingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Synchronized BN ({@link SyncBatchNorm}): workers that split a batch normalize, backprop and update their running
 * statistics as one network on the whole batch, and no failure mode leaves a worker waiting for ever.
 *
 * <p>Tolerance 1e-12 in double, on values of order 1: the split computation merges per-worker sums in another order
 * than the one-network kernels, which changes rounding only (measured below 1e-15); statistics of a part instead of
 * the whole would be off by the spread between the parts' means, 1e-2 and more here.
 */
class SyncBatchNormTest {
    private static final double TOLERANCE = 1e-12;
    /** Bounds every test that could hang if synchronized BN waited for ever; generous for a loaded machine. */
    private static final Duration HANG_BOUND = Duration.ofMinutes(5);

    /** Identity, an activation bn-core applies (ReLU) and one ND4J applies (tanh). */
    static Stream<Arguments> kindsWithActivations() {
        return Stream.of(InputKind.values()).flatMap(kind -> Stream.of(Activation.IDENTITY, Activation.RELU,
                Activation.TANH).map(act -> Arguments.of(kind, act)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kindsWithActivations")
    void workersSplittingABatchGetTheOutputsGradientsAndStatisticsOfOneNetworkOnTheWholeBatch(InputKind kind,
                                                                                              Activation act)
            throws Exception {
        MultiLayerNetwork whole = Networks.multiLayer(kind, new BatchNorm.Builder().activation(act).build(),
                DataType.DOUBLE, new Sgd(0.1));
        GradientCheckTest.randomizeGammaBeta(whole.getLayer(1).paramTable(), false);
        INDArray x = whole.feedForwardToLayer(0, kind.features(DataType.DOUBLE, 1), false).get(1);
        INDArray dy = TestArrays.uniform(DataType.DOUBLE, 2, -1, 1, x.shape());
        long n = x.size(0);
        long[] bounds = {0, n / 2, n};   // two parts, of different sizes where n is odd
        List<MultiLayerNetwork> replicas = List.of(whole.clone(), whole.clone());

        Step expected = step(whole, x, dy);
        WorkerGroup group = new WorkerGroup(2, HANG_BOUND);
        group.enroll(0);
        group.enroll(1);
        group.close();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<Step>> parts = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                int rank = w;
                INDArray xPart = rows(x, bounds[w], bounds[w + 1]);
                INDArray dyPart = rows(dy, bounds[w], bounds[w + 1]);
                parts.add(threads.submit(() -> {
                    group.bind(rank);
                    try {
                        return step(replicas.get(rank), xPart, dyPart);
                    } finally {
                        WorkerGroup.unbind();
                    }
                }));
            }
            Step first = parts.get(0).get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS);
            Step second = parts.get(1).get(HANG_BOUND.toSeconds(), TimeUnit.SECONDS);

            assertArrayEquals(expected.y, concat(first.y, second.y), TOLERANCE, "outputs");
            assertArrayEquals(expected.dx, concat(first.dx, second.dx), TOLERANCE, "input gradients");
            assertArrayEquals(expected.dGamma, sum(first.dGamma, second.dGamma), TOLERANCE, "gamma gradients");
            assertArrayEquals(expected.dBeta, sum(first.dBeta, second.dBeta), TOLERANCE, "beta gradients");
            for (Step part : List.of(first, second)) {
                assertArrayEquals(expected.mean, part.mean, TOLERANCE, "running mean");
                assertArrayEquals(expected.var, part.var, TOLERANCE, "running variance");
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void twoSynchronizedWorkersTrainAsOneNetworkOnTheirMinibatchesTogether() {
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                DataType.DOUBLE, new Sgd(0.1));
        MultiLayerNetwork single = net.clone();
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // odd minibatches shifted, so that the workers' halves differ in mean
            INDArray features = InputKind.FEED_FORWARD.features(DataType.DOUBLE, 10 + i).addi(i % 2);
            minibatches.add(new DataSet(features, InputKind.FEED_FORWARD.labels(DataType.DOUBLE, 20 + i)));
        }

        ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, 2, WorkspaceMode.ENABLED, 0,
                SyncBatchNorm::enable);
        for (int round = 0; round < 3; round++) {
            single.fit(DataSet.merge(minibatches.subList(2 * round, 2 * round + 2)));
        }

        // Averaging the workers' SGD steps averages their gradients: with equal halves, the whole batch's gradient.
        assertArrayEquals(single.params().toDoubleVector(), net.params().toDoubleVector(), TOLERANCE);
    }

    @Test
    void aWorkerWithoutAMinibatchAtTheEndOfAnEpochIsNotWaitedFor() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        List<DataSet> minibatches = TrainingModesTest.minibatches(3, 4);   // the second round has one minibatch

        assertTimeoutPreemptively(HANG_BOUND, () -> ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, 2,
                WorkspaceMode.ENABLED, 0, SyncBatchNorm::enable));

        RunningStats expected = roundsMovingAverage(
                List.of(DataSet.merge(minibatches.subList(0, 2)), minibatches.get(2)));
        TrainingModesTest.assertStatistics(expected, TrainingModesTest.bn4jStatistics(net), TOLERANCE,
                "sync BN, last round with one worker");
    }

    @Test
    void workersWithMinibatchesOfDifferentSizesNormalizeWithAllTheirValuesAlike() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        List<DataSet> minibatches = new ArrayList<>();
        List<DataSet> rounds = new ArrayList<>();
        for (DataSet pair : TrainingModesTest.minibatches(4, 5)) {
            // 32 examples split 9 / 23
            List<DataSet> halves = List.of(new DataSet(pair.getFeatures().get(NDArrayIndex.interval(0, 9)).dup(),
                    pair.getLabels().get(NDArrayIndex.interval(0, 9)).dup()),
                    new DataSet(pair.getFeatures().get(NDArrayIndex.interval(9, 32)).dup(),
                            pair.getLabels().get(NDArrayIndex.interval(9, 32)).dup()));
            minibatches.addAll(halves);
            rounds.add(pair);
        }

        ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, 2, WorkspaceMode.ENABLED, 0,
                SyncBatchNorm::enable);

        TrainingModesTest.assertStatistics(roundsMovingAverage(rounds), TrainingModesTest.bn4jStatistics(net),
                TOLERANCE,
                "sync BN, minibatches of 9 and 23");
    }

    @Test
    void gradientSharingWithSynchronizedBnEndsWithTheMovingAverageOfTheWholeRounds() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        List<DataSet> minibatches = TrainingModesTest.minibatches(40, 6);

        ParallelTraining.fit(net, minibatches, TrainingMode.SHARED_GRADIENTS, 2, WorkspaceMode.ENABLED, 0,
                SyncBatchNorm::enable);

        List<DataSet> rounds = new ArrayList<>();
        for (int i = 0; i < minibatches.size(); i += 2) {
            rounds.add(DataSet.merge(minibatches.subList(i, i + 2)));
        }
        TrainingModesTest.assertStatistics(roundsMovingAverage(rounds), TrainingModesTest.bn4jStatistics(net),
                TOLERANCE,
                "sync BN, SHARED_GRADIENTS");
    }

    @Test
    void aWorkerThatFailsMakesTheOtherFailTooInsteadOfWaiting() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        List<DataSet> minibatches = TrainingModesTest.minibatches(2, 7);
        minibatches.get(1).getFeatures().putScalar(0, 0, Double.NaN);   // worker 1's BN layer refuses it

        RuntimeException e = assertThrows(RuntimeException.class, () -> assertTimeoutPreemptively(HANG_BOUND,
                () -> ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, 2, WorkspaceMode.ENABLED, 0,
                        SyncBatchNorm::enable)));

        // fit returned, so worker 0 did not wait for ever; whichever worker the wrapper reports, the cause is named
        String causes = causes(e);
        assertTrue(causes.contains("x holds NaN"), causes);
    }

    @Test
    void aWorkerThatNeverArrivesFailsTheRoundAfterTheTimeoutNamingIt() {
        WorkerGroup group = new WorkerGroup(2, Duration.ofMillis(200));
        group.enroll(0);
        group.enroll(1);
        group.close();

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> assertTimeoutPreemptively(HANG_BOUND, () -> group.exchange(0, "layer 1 forward", "share")));

        assertTrue(e.getMessage().contains("worker(s) [1] of round [0, 1] did not arrive within PT0.2S"),
                e.getMessage());
    }

    @Test
    void outsideTheWrapperTheNetworkTrainsInfersAndPassesGradientChecksOnItsOwn() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        // DL4J's gradient check accepts plain SGD only with learning rate 1
        MultiLayerNetwork net = Networks.multiLayer(InputKind.FEED_FORWARD, new BatchNorm.Builder().build(),
                DataType.DOUBLE, new Sgd(1.0));
        List<DataSet> minibatches = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            minibatches.add(new DataSet(InputKind.FEED_FORWARD.features(DataType.DOUBLE, 30 + i),
                    InputKind.FEED_FORWARD.labels(DataType.DOUBLE, 40 + i)));
        }
        ParallelTraining.fit(net, minibatches, TrainingMode.AVERAGING, 2, WorkspaceMode.ENABLED, 0,
                SyncBatchNorm::enable);
        MultiLayerNetwork twin = net.clone();
        DataSet next = minibatches.get(0);

        assertTimeoutPreemptively(HANG_BOUND, () -> net.fit(next.copy()));
        twin.fit(next.copy());

        assertArrayEquals(twin.params().toDoubleVector(), net.params().toDoubleVector(), "plain fit after the wrapper");
        assertArrayEquals(twin.output(next.getFeatures()).ravel().toDoubleVector(),
                net.output(next.getFeatures()).ravel().toDoubleVector(), "output after the wrapper");
        assertTrue(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                .input(next.getFeatures()).labels(next.getLabels()).epsilon(1e-6).maxRelError(1e-5)
                .minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
                .excludeParams(Networks.runningStatKeys(net.paramTable().keySet()))), "gradient check");
    }

    @Test
    void enablingTwiceIsRefused() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        ParallelWrapper wrapper = SyncBatchNorm.enable(new ParallelWrapper.Builder<>(net).workers(2).build());
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SyncBatchNorm.enable(wrapper));
            assertEquals("this ParallelWrapper already has synchronized BN", e.getMessage());
        } finally {
            wrapper.shutdown();
        }
    }

    @Test
    void ghostBatchesCannotBeSynchronized() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new org.bn4j.core.SplitBatchNormalizer(
                        new BatchNorm.Builder().ghostBatchSize(4).build().toCoreConfig()));
        assertTrue(e.getMessage().contains("cannot be combined with ghost batches"), e.getMessage());
    }

    // --- helpers ---

    /** One training-mode forward and backward pass of the BN layer (index 1) of {@code net}, directly. */
    private static Step step(MultiLayerNetwork net, INDArray x, INDArray dy) {
        net.initGradientsView();
        BatchNormLayer layer = (BatchNormLayer) net.getLayer(1);
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        layer.setInput(x.dup(), mgr);
        INDArray y = layer.activate(true, mgr).dup();
        Pair<Gradient, INDArray> backward = layer.backpropGradient(dy.dup(), mgr);
        Gradient gradient = backward.getFirst();
        return new Step(y.ravel().toDoubleVector(), backward.getSecond().ravel().toDoubleVector(),
                gradient.getGradientFor(BatchNormParamInitializer.GAMMA).toDoubleVector(),
                gradient.getGradientFor(BatchNormParamInitializer.BETA).toDoubleVector(),
                layer.getParam(BatchNormParamInitializer.MEAN).toDoubleVector(),
                layer.getParam(BatchNormParamInitializer.VAR).toDoubleVector());
    }

    private record Step(double[] y, double[] dx, double[] dGamma, double[] dBeta, double[] mean, double[] var) {
    }

    private static INDArray rows(INDArray a, long from, long to) {
        INDArrayIndex[] index = new INDArrayIndex[a.rank()];
        index[0] = NDArrayIndex.interval(from, to);
        for (int axis = 1; axis < index.length; axis++) {
            index[axis] = NDArrayIndex.all();
        }
        return a.get(index).dup('c');
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double[] sum(double[] a, double[] b) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /** The exact moving average of each round's statistics, one round being one batch. */
    private static RunningStats roundsMovingAverage(List<DataSet> rounds) {
        return TrainingModesTest.movingAverage(rounds, 0, 1);
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append(" | ");
        }
        return text.toString();
    }
}
