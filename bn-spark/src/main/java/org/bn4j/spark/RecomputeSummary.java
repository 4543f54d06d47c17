package org.bn4j.spark;

import java.util.List;

/**
 * What one {@link SparkPreciseStatistics} recompute did.
 *
 * @param batches          how many batches the statistics average
 * @param recomputedLayers the BN layers whose MEAN and VAR parameters now hold population statistics, as
 *                         {@code BatchNorm layer "name" (index i)}, in network order
 * @param keptLayers       the bn4j BN layers left as they were, each with the reason ({@code frozenStatistics} or
 *                         inside a frozen layer), in network order
 */
public record RecomputeSummary(long batches, List<String> recomputedLayers, List<String> keptLayers) {
    public RecomputeSummary {
        recomputedLayers = List.copyOf(recomputedLayers);
        keptLayers = List.copyOf(keptLayers);
    }
}
