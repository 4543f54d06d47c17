package org.bn4j.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * The snippets of {@code docs/scale-out.md}, compiled and run. Each {@code tag::name[]} region is copied into the page
 * verbatim; keep the two in step.
 */
class ScaleOutDocTest {
    @Test
    void parameterAveragingSnippetTrainsTheRunningStatistics() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        DataSetIterator trainIterator = new ExistingDataSetIterator(TrainingModesTest.minibatches(8, 11));

        // tag::parallel-wrapper[]
        ParallelWrapper wrapper = new ParallelWrapper.Builder<>(net)
                .workers(2).averagingFrequency(1).prefetchBuffer(0).build();
        wrapper.fit(trainIterator);      // net holds the averaged parameters afterwards
        wrapper.shutdown();
        // end::parallel-wrapper[]

        assertMoved(net);
    }

    @Test
    void synchronizedBnSnippetTrainsTheRunningStatistics() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        DataSetIterator trainIterator = new ExistingDataSetIterator(TrainingModesTest.minibatches(8, 12));

        // tag::sync-batch-norm[]
        ParallelWrapper wrapper = SyncBatchNorm.enable(new ParallelWrapper.Builder<>(net)
                .workers(2).prefetchBuffer(0).build());
        wrapper.fit(trainIterator);      // each round: BN statistics over all workers' minibatches together
        wrapper.shutdown();
        // end::sync-batch-norm[]

        assertMoved(net);
    }

    @Test
    void preciseStatisticsSnippetPutsNeverUpdatedStatisticsRight() {
        MultiLayerNetwork net = TrainingModesTest.network(TrainingModesTest.bn4j());
        List<DataSet> minibatches = TrainingModesTest.minibatches(4, 13);
        net.incrementEpochCount();   // trained elsewhere, as a Spark driver's network is, without its statistics
        DataSetIterator trainIterator = new ExistingDataSetIterator(minibatches);

        // tag::precise-statistics[]
        PreciseStatistics.builder().batches(100).build().recompute(net, trainIterator);
        // end::precise-statistics[]

        assertMoved(net);
    }

    private static void assertMoved(MultiLayerNetwork net) {
        double[] mean = TrainingModesTest.bn4jStatistics(net).mean();
        for (int c = 0; c < mean.length; c++) {
            // the data's channel means are 3 to 6
            assertTrue(mean[c] > 1, "running mean of channel " + c + ": " + mean[c]);
        }
        net.output(TrainingModesTest.minibatches(1, 99).get(0).getFeatures());
    }
}
