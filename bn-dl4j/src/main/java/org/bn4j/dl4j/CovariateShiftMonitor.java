package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Watches internal covariate shift: every {@code every} iterations, feeds a fixed probe batch through the network
 * and records percentiles of one unit's value at the output of one layer, as in Figure 1(b, c) of the Batch
 * Normalization paper (the 15th, 50th and 85th percentiles of a sigmoid's input over training).
 *
 * <p>In training mode, BN layers normalize the probe with its own statistics, as they do the batches they train
 * on; in inference mode they use their running statistics, which before training are mean 0 and variance 1.
 * Neither mode changes any state: BN's running statistics change only through a training step. For a layer with
 * more than two dimensions the unit is a channel (axis 1) and its values are taken over every position.
 */
public final class CovariateShiftMonitor extends BaseTrainingListener {
    /** Percentiles of the watched unit over the probe batch after {@code iteration} updates. */
    public record Record(int iteration, double[] percentiles) {
    }

    private final INDArray probe;
    private final int layerIndex;
    private final int unit;
    private final int every;
    private final boolean training;
    private final double[] percentiles;
    private final List<Record> records = new ArrayList<>();

    /**
     * @param probe       a fixed batch of network inputs
     * @param layerIndex  the layer whose output is watched, for example the layer before a sigmoid
     * @param unit        which unit (column, or channel) of that output
     * @param every       record after every this many iterations (and before the first)
     * @param training    feed the probe in training mode (batch statistics) rather than inference mode
     * @param percentiles which percentiles, each in [0, 100]; for example 15, 50, 85
     */
    public CovariateShiftMonitor(INDArray probe, int layerIndex, int unit, int every, boolean training,
                                 double... percentiles) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1, got " + every);
        }
        for (double p : percentiles) {
            if (!(p >= 0 && p <= 100)) {
                throw new IllegalArgumentException("percentiles must lie in [0, 100], got " + p);
            }
        }
        this.probe = probe;
        this.layerIndex = layerIndex;
        this.unit = unit;
        this.every = every;
        this.training = training;
        this.percentiles = percentiles.clone();
    }

    /** Records the untrained network's distribution; call before training. */
    public void recordInitial(MultiLayerNetwork net) {
        record(net, 0);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        int done = iteration + 1;
        if (done % every == 0 && model instanceof MultiLayerNetwork) {
            record((MultiLayerNetwork) model, done);
        }
    }

    /** @return what was recorded so far, oldest first */
    public List<Record> records() {
        return Collections.unmodifiableList(records);
    }

    /** @return the percentiles this monitor records */
    public double[] percentiles() {
        return percentiles.clone();
    }

    private void record(MultiLayerNetwork net, int iteration) {
        INDArray output = net.feedForwardToLayer(layerIndex, probe, training).get(layerIndex + 1);
        INDArray values = output.rank() == 2
                ? output.get(NDArrayIndex.all(), NDArrayIndex.point(unit))
                : output.get(NDArrayIndex.all(), NDArrayIndex.point(unit)).reshape(-1);
        double[] sorted = NdBuffers.read(values);
        Arrays.sort(sorted);
        double[] result = new double[percentiles.length];
        for (int i = 0; i < percentiles.length; i++) {
            result[i] = percentile(sorted, percentiles[i]);
        }
        records.add(new Record(iteration, result));
    }

    /** Linear interpolation between closest ranks, as numpy's default. */
    static double percentile(double[] sorted, double p) {
        double rank = p / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }
}
