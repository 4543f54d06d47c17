package org.bn4j.core;

import java.util.List;
import org.bn4j.core.kernel.Moments;

/**
 * One worker's share of a batch that several workers normalize together (synchronized BN): per channel, the number
 * of values, their mean and {@code M2 = sum((x - mean)^2)}. {@link #merge} combines the shares, in worker order, into
 * the statistics of the whole batch, with the pairwise update of Chan, Golub and LeVeque, so that every worker that
 * merges the same shares in the same order gets bitwise the same result.
 *
 * <p>Immutable. Made by {@link SplitBatchNormalizer#moments}.
 */
public final class ChannelMoments {
    private final long count;
    private final double[] mean;
    private final double[] m2;

    ChannelMoments(long count, double[] mean, double[] m2) {
        this.count = count;
        this.mean = mean;
        this.m2 = m2;
    }

    /** @return the number of values per channel, {@code batch * spatial} of this share */
    public long count() {
        return count;
    }

    /** @return the number of channels, {@code C} */
    public int channels() {
        return mean.length;
    }

    /**
     * @param parts the workers' shares, in worker order; at least one, all with the same channel count
     * @param eps   the eps the merged statistics' {@code invStd} includes, &gt; 0
     * @return the statistics of all the shares' values together: what one worker would compute on the whole batch
     * @throws IllegalArgumentException if there are no shares, their channel counts differ, or all of them together
     *                                  hold fewer than 2 values per channel
     */
    public static BatchStats merge(List<ChannelMoments> parts, double eps) {
        if (parts == null || parts.isEmpty()) {
            throw new IllegalArgumentException("no shares to merge");
        }
        int c = parts.get(0).channels();
        long total = 0;
        for (ChannelMoments part : parts) {
            if (part.channels() != c) {
                throw new IllegalArgumentException("shares have " + c + " and " + part.channels()
                        + " channels; every worker must normalize the same channels");
            }
            total += part.count;
        }
        if (total < 2) {
            throw new IllegalArgumentException("training needs at least 2 values per channel to estimate a variance, "
                    + "but the " + parts.size() + " shares hold " + total + " together");
        }
        double[] mean = new double[c];
        double[] biasedVar = new double[c];
        for (int ch = 0; ch < c; ch++) {
            Moments merged = new Moments();
            for (ChannelMoments part : parts) {
                merged.merge(part.count, part.mean[ch], part.m2[ch]);
            }
            mean[ch] = merged.mean;
            biasedVar[ch] = merged.m2 / merged.count;
        }
        return new BatchStats(mean, biasedVar, eps, total);
    }
}
