package org.bn4j.examples.train;

import java.util.List;

/**
 * Early stopping on test accuracy: a run stops once {@code patience} measurements in a row have not raised the best
 * accuracy so far (by more than {@code minDelta}). With measurements every k steps, a run stops {@code patience * k}
 * steps after its best.
 *
 * @param patience measurements without improvement before stopping, at least 1
 * @param minDelta how much a measurement must beat the best so far to count as an improvement, at least 0
 */
public record Patience(int patience, double minDelta) implements StopRule {
    public Patience {
        if (patience < 1 || !(minDelta >= 0)) {
            throw new IllegalArgumentException(
                    "patience must be at least 1 and minDelta at least 0, got " + patience + " and " + minDelta);
        }
    }

    @Override
    public boolean stop(List<Curve.Point> points) {
        double best = Double.NEGATIVE_INFINITY;
        int sinceBest = 0;
        for (Curve.Point p : points) {
            if (p.accuracy() > best + minDelta) {
                best = p.accuracy();
                sinceBest = 0;
            } else {
                sinceBest++;
            }
        }
        return sinceBest >= patience;
    }
}
