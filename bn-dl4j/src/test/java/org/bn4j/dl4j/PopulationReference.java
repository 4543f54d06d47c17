package org.bn4j.dl4j;

import org.bn4j.core.RunningVariance;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The population statistics of a BN layer's inputs, straight from the values in double: every value pooled for
 * the mean, and each batch's squared deviations from its own mean summed for the variance (Algorithm 2, batches
 * weighted by their value count).
 */
final class PopulationReference {
    private final double[] sum;
    private final double[] withinSquares;
    private long count;
    private int batches;

    PopulationReference(int channels) {
        this.sum = new double[channels];
        this.withinSquares = new double[channels];
    }

    /**
     * @param x           one batch of the layer's input
     * @param channelAxis the axis of {@code x} that holds the channels
     * @param keep        a 0/1 mask over the input's rows with channels moved last (n-major, as {@code [N, T]}
     *                    flattened), or null to keep every value
     */
    PopulationReference add(INDArray x, int channelAxis, INDArray keep) {
        double[][] rows = byChannel(x, channelAxis);
        double[] kept = keep == null ? null : keep.castTo(DataType.DOUBLE).reshape(-1).toDoubleVector();
        int c = sum.length;
        double[] batchSum = new double[c];
        long batchCount = 0;
        for (int r = 0; r < rows.length; r++) {
            if (kept != null && kept[r] == 0) {
                continue;
            }
            batchCount++;
            for (int ch = 0; ch < c; ch++) {
                batchSum[ch] += rows[r][ch];
            }
        }
        for (int r = 0; r < rows.length; r++) {
            if (kept != null && kept[r] == 0) {
                continue;
            }
            for (int ch = 0; ch < c; ch++) {
                double d = rows[r][ch] - batchSum[ch] / batchCount;
                withinSquares[ch] += d * d;
            }
        }
        for (int ch = 0; ch < c; ch++) {
            sum[ch] += batchSum[ch];
        }
        count += batchCount;
        batches++;
        return this;
    }

    double[] mean() {
        double[] mean = new double[sum.length];
        for (int ch = 0; ch < mean.length; ch++) {
            mean[ch] = sum[ch] / count;
        }
        return mean;
    }

    double[] var(RunningVariance variance) {
        double divisor = variance == RunningVariance.UNBIASED ? count - batches : count;
        double[] var = new double[sum.length];
        for (int ch = 0; ch < var.length; ch++) {
            var[ch] = withinSquares[ch] / divisor;
        }
        return var;
    }

    /** @return the values of x as rows of C channels, in double: the channel axis moved last, the rest flattened */
    static double[][] byChannel(INDArray x, int channelAxis) {
        int rank = x.rank();
        int[] order = new int[rank];
        int next = 0;
        for (int axis = 0; axis < rank; axis++) {
            if (axis != channelAxis) {
                order[next++] = axis;
            }
        }
        order[rank - 1] = channelAxis;
        return x.permute(order).dup('c').reshape('c', -1, x.size(channelAxis)).castTo(DataType.DOUBLE).toDoubleMatrix();
    }
}
