package org.bn4j.dl4j;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.parallelism.trainer.Trainer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * One of ParallelWrapper's trainers, as DL4J made it, with the hooks synchronized BN needs: its thread joins the
 * {@link WorkerGroup} as worker {@code rank}; a minibatch fed to it enrolls it in the round; the wrapper waiting for it
 * closes the round (the wrapper feeds every worker of a round before it waits for any); and a failure of its thread
 * breaks the round, so that the others stop waiting.
 */
final class SyncTrainer implements Trainer {
    private final Trainer trainer;
    private final WorkerGroup group;
    private final int rank;

    SyncTrainer(Trainer trainer, WorkerGroup group, int rank) {
        this.trainer = trainer;
        this.group = group;
        this.rank = rank;
    }

    @Override
    public void run() {
        group.bind(rank);
        try {
            trainer.run();
        } catch (RuntimeException | Error e) {
            group.fail(rank, e);
            throw e;
        } finally {
            WorkerGroup.unbind();
        }
    }

    @Override
    public void feedDataSet(DataSet dataSet, long etlTime) {
        if (dataSet != null) {
            group.enroll(rank);
        }
        trainer.feedDataSet(dataSet, etlTime);
    }

    @Override
    public void feedMultiDataSet(MultiDataSet dataSet, long etlTime) {
        group.enroll(rank);
        trainer.feedMultiDataSet(dataSet, etlTime);
    }

    @Override
    public void waitTillRunning() {
        group.close();
        trainer.waitTillRunning();
    }

    // --- the rest is the trainer's own ---

    @Override
    public void updateModelParams(INDArray params) {
        trainer.updateModelParams(params);
    }

    @Override
    public void updateUpdaterParams(INDArray params) {
        trainer.updateUpdaterParams(params);
    }

    @Override
    public Model getModel() {
        return trainer.getModel();
    }

    @Override
    public void updateModel(Model model) {
        trainer.updateModel(model);
    }

    @Override
    public boolean isRunning() {
        return trainer.isRunning();
    }

    @Override
    public String getUuid() {
        return trainer.getUuid();
    }

    @Override
    public void shutdown() {
        trainer.shutdown();
    }

    @Override
    public void setUncaughtExceptionHandler(Thread.UncaughtExceptionHandler handler) {
        trainer.setUncaughtExceptionHandler(handler);
    }

    @Override
    public void start() {
        trainer.start();
    }

    @Override
    public boolean averagingRequired() {
        return trainer.averagingRequired();
    }
}
