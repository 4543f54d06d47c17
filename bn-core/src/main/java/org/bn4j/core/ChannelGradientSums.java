package org.bn4j.core;

import java.util.List;

/**
 * One worker's share of the gradient sums of a batch that several workers normalize together (synchronized BN):
 * per channel, {@code sum(dy)} and {@code sum(dy * (x - mean))} over its values, with the mean of the whole batch.
 * The sums of all shares give every worker the input gradient of the whole batch
 * ({@link SplitBatchNormalizer#backward}).
 *
 * <p>Immutable. Made by {@link SplitBatchNormalizer#gradientSums}.
 */
public final class ChannelGradientSums {
    final double[] sumDy;
    final double[] sumDyXc;

    ChannelGradientSums(double[] sumDy, double[] sumDyXc) {
        this.sumDy = sumDy;
        this.sumDyXc = sumDyXc;
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return sumDy.length;
    }

    /**
     * @param parts the workers' shares, in worker order; at least one, all with the same channel count
     * @return their sums, added in that order
     * @throws IllegalArgumentException if there are no shares or their channel counts differ
     */
    public static ChannelGradientSums sum(List<ChannelGradientSums> parts) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("no shares to sum");
        }
        int c = parts.get(0).channels();
        double[] sumDy = new double[c];
        double[] sumDyXc = new double[c];
        for (ChannelGradientSums part : parts) {
            if (part.channels() != c) {
                throw new IllegalArgumentException("shares have " + c + " and " + part.channels()
                        + " channels; every worker must normalize the same channels");
            }
            for (int ch = 0; ch < c; ch++) {
                sumDy[ch] += part.sumDy[ch];
                sumDyXc[ch] += part.sumDyXc[ch];
            }
        }
        return new ChannelGradientSums(sumDy, sumDyXc);
    }
}
