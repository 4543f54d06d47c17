package org.bn4j.core;

/**
 * Bounds on the magnitude of a pass's outputs, from what the pass measured anyway, so that callers storing outputs in
 * a narrower type can skip scanning them for overflow. NaN, once in a bound, stays.
 */
final class OutputBounds {
    private OutputBounds() {
    }

    /**
     * No value deviates from its mean by more than {@code sqrt(m * biasedVar)}, hence per channel (and ghost batch)
     * {@code |y| <= |gamma * r * invStd| * sqrt(m * biasedVar) + |beta + gamma * d|}.
     *
     * @return the largest bound over channels and ghost batches
     */
    static double training(BatchStats stats, double[] g, double[] b) {
        double bound = 0;
        for (BatchStats part : stats.parts()) {
            for (int ch = 0; ch < g.length; ch++) {
                double r = part.r == null ? 1 : part.r[ch];
                double d = part.d == null ? 0 : part.d[ch];
                double deviation = part.largestDeviation(ch);
                double channelBound = Math.abs(g[ch] * r * part.invStd[ch]) * deviation + Math.abs(b[ch] + g[ch] * d);
                bound = Math.max(bound, channelBound);
            }
        }
        return bound;
    }

    /**
     * Bounds dx of a training-mode backward pass and the centred input {@code x - mean}, an intermediate of dx: no
     * value deviates from its mean by more than {@code sqrt(m * biasedVar)}, and no g exceeds {@code sqrt(sum(g^2))}.
     *
     * @param part         the statistics of one (ghost) batch
     * @param sumDySquares {@code sum(g^2)} per channel over that batch, g the gradient through the activation
     * @return the largest bound over channels
     */
    static double trainingGradient(BatchStats part, GradientCoefficients k, double[] sumDySquares) {
        double bound = 0;
        for (int ch = 0; ch < k.dyScale.length; ch++) {
            double deviation = part.largestDeviation(ch);
            double channelBound = Math.abs(k.dyScale[ch]) * Math.sqrt(sumDySquares[ch])
                    + Math.abs(k.xcScale[ch]) * deviation + Math.abs(k.offset[ch]);
            bound = Math.max(bound, Math.max(channelBound, deviation));
        }
        return bound;
    }

    /**
     * @param largest the largest {@code |x|}
     * @return a bound on {@code |y| = |(x - mean) * scale + shift|} and on the centred input {@code |x - mean|}
     */
    static double inference(double largest, double[] mean, double[] scale, double[] shift) {
        double bound = 0;
        for (int ch = 0; ch < scale.length; ch++) {
            double centred = largest + Math.abs(mean[ch]);
            bound = Math.max(bound, Math.max(centred, Math.abs(scale[ch]) * centred + Math.abs(shift[ch])));
        }
        return bound;
    }
}
