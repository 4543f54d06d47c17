package org.bn4j.examples.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a network for a number of steps on minibatches drawn without replacement from a seeded shuffle of the
 * training set (reshuffled every epoch), and measures test accuracy every {@code evalEvery} steps and at the end.
 * The same seed gives the same batches.
 */
public final class Trainer {
    private final int steps;
    private final int batchSize;
    private final int evalEvery;
    private final long seed;
    private final boolean progress;

    /**
     * @param steps     training steps (minibatch updates)
     * @param batchSize examples per step
     * @param evalEvery measure test accuracy after every this many steps
     * @param seed      seeds the minibatch order
     * @param progress  draw a progress bar on standard error
     */
    public Trainer(int steps, int batchSize, int evalEvery, long seed, boolean progress) {
        if (steps < 1 || batchSize < 1 || evalEvery < 1) {
            throw new IllegalArgumentException("steps, batch size and evaluation interval must be positive; got "
                    + steps + ", " + batchSize + ", " + evalEvery);
        }
        this.steps = steps;
        this.batchSize = batchSize;
        this.evalEvery = evalEvery;
        this.seed = seed;
        this.progress = progress;
    }

    /** @return test accuracy against steps; the network is trained in place */
    public Curve train(String name, Model net, DataSet train, DataSet test) {
        try (Progress bar = Progress.start(progress, name, steps, " steps")) {
            return train(name, net, train, test, StopRule.NEVER, bar);
        }
    }

    /**
     * Trains until {@code stop} says so after a measurement, or for the whole step budget.
     *
     * @param bar counts every step and shows the latest accuracy; may be shared with runs on other threads
     * @return test accuracy against steps; the network is trained in place
     */
    public Curve train(String name, Model net, DataSet train, DataSet test, StopRule stop, Progress bar) {
        int n = train.numExamples();
        if (batchSize > n) {
            throw new IllegalArgumentException("batch size " + batchSize + " exceeds the " + n + " training examples");
        }
        Random random = new Random(seed);
        int[] order = shuffled(n, random);
        int cursor = 0;
        List<Curve.Point> points = new ArrayList<>();
        long trainingNanos = 0;
        for (int step = 1; step <= steps; step++) {
            if (cursor + batchSize > n) {
                order = shuffled(n, random);
                cursor = 0;
            }
            int[] batch = new int[batchSize];
            System.arraycopy(order, cursor, batch, 0, batchSize);
            cursor += batchSize;
            DataSet minibatch = new DataSet(Nd4j.pullRows(train.getFeatures(), 1, batch),
                    Nd4j.pullRows(train.getLabels(), 1, batch));
            long start = System.nanoTime();
            fit(net, minibatch);
            trainingNanos += System.nanoTime() - start;
            bar.step();
            if (step % evalEvery == 0 || step == steps) {
                double accuracy = accuracy(net, test);
                points.add(new Curve.Point(step, accuracy));
                bar.note(String.format(Locale.ROOT, " %s: test accuracy %.4f", name, accuracy));
                if (stop.stop(points)) {
                    break;
                }
            }
        }
        return new Curve(name, points, trainingNanos / 1e9);
    }

    /** @return the fraction of test examples classified correctly, in inference mode */
    public static double accuracy(Model net, DataSet test) {
        ListDataSetIterator<DataSet> batches = new ListDataSetIterator<>(test.asList(), 500);
        Evaluation evaluation = net instanceof ComputationGraph ? ((ComputationGraph) net).evaluate(batches)
                : ((MultiLayerNetwork) net).evaluate(batches);
        return evaluation.accuracy();
    }

    private static void fit(Model net, DataSet batch) {
        if (net instanceof ComputationGraph) {
            ((ComputationGraph) net).fit(batch);
        } else {
            ((MultiLayerNetwork) net).fit(batch);
        }
    }

    private static int[] shuffled(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
