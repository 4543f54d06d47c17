package org.bn4j.examples.train;

import java.util.List;

/** Decides, after each measurement, whether a run stops before its step budget. */
@FunctionalInterface
public interface StopRule {
    /** Runs for the whole budget. */
    StopRule NEVER = points -> false;

    /** @param points the measurements so far, the latest last */
    boolean stop(List<Curve.Point> points);
}
