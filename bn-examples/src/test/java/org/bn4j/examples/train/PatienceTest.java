package org.bn4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatienceTest {
    private static List<Curve.Point> curve(double... accuracies) {
        List<Curve.Point> points = new ArrayList<>();
        for (int i = 0; i < accuracies.length; i++) {
            points.add(new Curve.Point(100 * (i + 1), accuracies[i]));
        }
        return points;
    }

    @Test
    void stopsOncePatienceMeasurementsInARowBringNoNewBest() {
        Patience rule = new Patience(2, 0);

        assertFalse(rule.stop(curve(0.5, 0.6, 0.55)));
        assertTrue(rule.stop(curve(0.5, 0.6, 0.55, 0.6)));
    }

    @Test
    void aNewBestStartsTheCountAgain() {
        assertFalse(new Patience(2, 0).stop(curve(0.5, 0.4, 0.6, 0.55)));
    }

    @Test
    void improvementsSmallerThanMinDeltaDoNotCount() {
        assertTrue(new Patience(2, 0.01).stop(curve(0.5, 0.505, 0.509)));
    }

    @Test
    void patienceBelowOneIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Patience(0, 0));
    }
}
