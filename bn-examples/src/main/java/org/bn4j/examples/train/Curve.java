package org.bn4j.examples.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Test accuracy against training steps for one run, plus its wall time.
 *
 * @param name     the run, for legends and tables
 * @param points   (steps, accuracy) pairs in step order; accuracy in [0, 1]
 * @param seconds  wall time of training, evaluation excluded
 */
public record Curve(String name, List<Point> points, double seconds) {
    /** Test accuracy after {@code step} training steps. */
    public record Point(int step, double accuracy) {
    }

    public Curve {
        points = Collections.unmodifiableList(new ArrayList<>(points));
    }

    /** @return the highest accuracy reached, 0 if nothing was measured */
    public double bestAccuracy() {
        return points.stream().mapToDouble(Point::accuracy).max().orElse(0);
    }

    /** @return the first step at which accuracy reached {@code target}, or -1 if it never did */
    public int stepsToReach(double target) {
        for (Point p : points) {
            if (p.accuracy() >= target) {
                return p.step();
            }
        }
        return -1;
    }

    /** @return the accuracy at the last measured step */
    public double finalAccuracy() {
        return points.isEmpty() ? 0 : points.get(points.size() - 1).accuracy();
    }
}
