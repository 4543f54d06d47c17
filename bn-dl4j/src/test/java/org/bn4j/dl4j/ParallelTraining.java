package org.bn4j.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.trainer.DefaultTrainer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Runs DL4J's {@link ParallelWrapper} over a fixed list of minibatches, reproducibly: minibatch {@code i} of each
 * round goes to worker {@code i}, and the first is held back until every worker waits for data (see
 * {@link #awaitWorkersPolling(int)}).
 */
final class ParallelTraining {
    private ParallelTraining() {
    }

    static void fit(Model net, List<DataSet> minibatches, ParallelWrapper.TrainingMode mode, int workers,
                    WorkspaceMode workspaces, int prefetch) {
        fit(net, minibatches, mode, workers, workspaces, prefetch, UnaryOperator.identity());
    }

    /** @param setUp applied to the built wrapper before training (to install synchronized BN, say) */
    static void fit(Model net, List<DataSet> minibatches, ParallelWrapper.TrainingMode mode, int workers,
                    WorkspaceMode workspaces, int prefetch, UnaryOperator<ParallelWrapper> setUp) {
        ParallelWrapper wrapper = setUp.apply(new ParallelWrapper.Builder<>(net).workers(workers).averagingFrequency(1)
                .trainingMode(mode).prefetchBuffer(prefetch).workspaceMode(workspaces).build());
        try {
            wrapper.fit(iterator(minibatches, workers, prefetch));
        } finally {
            wrapper.shutdown();
        }
    }

    /** An iterator over copies of {@code minibatches} that waits for {@code workers} polling workers first. */
    static DataSetIterator iterator(List<DataSet> minibatches, int workers, int prefetch) {
        List<DataSet> copies = new ArrayList<>();
        for (DataSet minibatch : minibatches) {
            copies.add(minibatch.copy());
        }
        return new ExistingDataSetIterator(copies) {
            private boolean started;

            // ExistingDataSetIterator refuses asynchronous prefetching; say yes so that prefetchBuffer takes effect.
            @Override
            public boolean asyncSupported() {
                return prefetch > 0;
            }

            @Override
            public DataSet next() {
                if (!started) {
                    awaitWorkersPolling(workers);
                    started = true;
                }
                return super.next();
            }
        };
    }

    /**
     * Holds the first minibatch back until every worker waits for data. ParallelWrapper 1.0.0-M2.1 starts its
     * worker threads and feeds them at once; a worker other than 0 first builds its copy of the network and then
     * copies the caller's parameters, which worker 0 may already be training. Without this wait, worker 1 starts
     * from the parameters before or after worker 0's first step, whichever comes first (both were observed).
     */
    static void awaitWorkersPolling(int workers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (workersPolling() < workers) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ParallelWrapper's workers did not start within 120 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** @return how many ParallelWrapper worker threads are in their loop, waiting for a minibatch */
    private static int workersPolling() {
        int polling = 0;
        for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
            if (!thread.getKey().getName().startsWith("ParallelWrapper training thread")) {
                continue;
            }
            boolean inTrainerLoop = false;
            boolean waitingForData = false;
            for (StackTraceElement frame : thread.getValue()) {
                inTrainerLoop |= frame.getClassName().equals(DefaultTrainer.class.getName())
                        && frame.getMethodName().equals("run");
                waitingForData |= frame.getClassName().equals(LinkedBlockingQueue.class.getName())
                        && frame.getMethodName().equals("poll");
            }
            polling += inTrainerLoop && waitingForData ? 1 : 0;
        }
        return polling;
    }
}
