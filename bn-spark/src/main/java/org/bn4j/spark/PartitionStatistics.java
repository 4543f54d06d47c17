package org.bn4j.spark;

import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.bn4j.core.PopulationStats;
import org.bn4j.dl4j.NetworkPopulationStats;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on an executor: one partition's batches through a copy of the broadcast network, in training mode, giving
 * one partial {@link PopulationStats} per BN layer (nothing for an empty partition). A batch the network
 * refuses fails the task with a {@link BatchFailure} naming the partition, the batch and its shapes.
 */
final class PartitionStatistics
        implements
            Function2<Integer, Iterator<MultiDataSet>, Iterator<List<PopulationStats>>> {
    private static final long serialVersionUID = 1L;

    private final Broadcast<NetworkCopy> network;

    PartitionStatistics(Broadcast<NetworkCopy> network) {
        this.network = network;
    }

    @Override
    public Iterator<List<PopulationStats>> call(Integer partition, Iterator<MultiDataSet> batches) {
        if (!batches.hasNext()) {
            // nothing to add: treeAggregate starts from the driver's empty partials
            return Collections.emptyIterator();
        }
        NetworkPopulationStats stats = network.value().newPopulationStats();
        long index = 0;
        while (batches.hasNext()) {
            MultiDataSet batch = batches.next();
            try {
                stats.add(batch);
            } catch (RuntimeException e) {
                throw new BatchFailure("partition " + partition + ", batch index " + index + " within it (features "
                        + shapes(batch) + "): " + e.getMessage(), e);
            }
            index++;
        }
        return List.of(stats.partials()).iterator();
    }

    private static String shapes(MultiDataSet batch) {
        if (batch == null || batch.getFeatures() == null) {
            return "none";
        }
        StringBuilder shapes = new StringBuilder();
        for (int i = 0; i < batch.numFeatureArrays(); i++) {
            shapes.append(i == 0 ? "" : ", ").append(Arrays.toString(batch.getFeatures(i).shape()));
        }
        return shapes.toString();
    }

    /** A batch an executor could not run; the driver rethrows its message as an {@link IllegalArgumentException}. */
    static final class BatchFailure extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        BatchFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
