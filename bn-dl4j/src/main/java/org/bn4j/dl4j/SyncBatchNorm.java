package org.bn4j.dl4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.deeplearning4j.parallelism.factory.TrainerContext;
import org.deeplearning4j.parallelism.trainer.Trainer;

/**
 * Synchronized batch normalization for DL4J's {@link ParallelWrapper} (PyTorch's {@code SyncBatchNorm}): in each
 * round, every {@link BatchNorm} layer of every worker normalizes with the statistics of all the minibatches of the
 * round together, and backprop gives each worker its rows of the whole round's input gradient. N workers with
 * minibatches of B then train as one network would on batches of N * B: outputs, gradients and running statistics
 * match it to rounding (tested to 1e-12 in double), in {@code AVERAGING} and {@code SHARED_GRADIENTS} mode alike.
 *
 * <pre>
 * ParallelWrapper wrapper = SyncBatchNorm.enable(new ParallelWrapper.Builder&lt;&gt;(net).workers(4).build());
 * wrapper.fit(trainData);
 * </pre>
 *
 * <ul>
 *   <li>A round's workers are those the wrapper gave a minibatch: at the end of an epoch, workers left without one
 *       are not waited for. Minibatches of different sizes are fine (the statistics weigh every value equally).</li>
 *   <li>A worker that fails makes the others of its round fail at once, naming it; no worker waits at one exchange
 *       longer than the timeout ({@link #DEFAULT_TIMEOUT}), after which all fail naming the missing workers.</li>
 *   <li>Outside the wrapper's workers (plain {@code fit}, {@code output}, gradient checks, {@code ParallelInference})
 *       the layers normalize on their own, as without this.</li>
 *   <li>Not with ghost batches or batch renormalization, which are per-worker notions: those layers fail with a
 *       message saying so. Layers with {@code frozenStatistics} compute no batch statistics and exchange nothing.</li>
 * </ul>
 *
 * <p>The network's configuration does not change, so a model trained this way saves and loads as any other. DL4J
 * 1.0.0-M2.1's builder replaces any trainer factory set on it with its own, so this sets the wrapper's factory
 * itself; call it before {@code fit}.
 */
public final class SyncBatchNorm {
    /** How long a worker waits for the others at one exchange before the round fails: 10 minutes. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private SyncBatchNorm() {
    }

    /**
     * @param wrapper a built wrapper, before {@code fit}
     * @return {@code wrapper}, with synchronized BN and the {@link #DEFAULT_TIMEOUT}
     */
    public static ParallelWrapper enable(ParallelWrapper wrapper) {
        return enable(wrapper, DEFAULT_TIMEOUT);
    }

    /**
     * @param wrapper a built wrapper, before {@code fit}
     * @param timeout the longest a worker waits for the others at one exchange; positive
     * @return {@code wrapper}, with synchronized BN
     * @throws IllegalArgumentException if the timeout is not positive, or the wrapper already has synchronized BN
     * @throws IllegalStateException    if this DL4J version's ParallelWrapper lacks the fields it sets
     */
    public static ParallelWrapper enable(ParallelWrapper wrapper, Duration timeout) {
        if (wrapper == null) {
            throw new IllegalArgumentException("wrapper must not be null");
        }
        VarHandle trainerContext = handle("trainerContext", TrainerContext.class);
        TrainerContext context = (TrainerContext) trainerContext.get(wrapper);
        if (context instanceof SyncContext) {
            throw new IllegalArgumentException("this ParallelWrapper already has synchronized BN");
        }
        int workers = (int) handle("workers", int.class).get(wrapper);
        trainerContext.set(wrapper, new SyncContext(context, new WorkerGroup(workers, timeout)));
        return wrapper;
    }

    /**
     * A handle on one of ParallelWrapper's protected fields. A VarHandle rather than {@code Class.getDeclaredField}:
     * that would load the types of all its fields, and one of them ({@code StatsStorageRouter}) lives in
     * deeplearning4j-core, which bn4j does not require.
     */
    private static VarHandle handle(String name, Class<?> type) {
        try {
            return MethodHandles.privateLookupIn(ParallelWrapper.class, MethodHandles.lookup())
                    .findVarHandle(ParallelWrapper.class, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("SyncBatchNorm needs ParallelWrapper's field " + type.getSimpleName() + " "
                    + name + " (DL4J 1.0.0-M2.1); this version has none that it can use", e);
        }
    }

    /** DL4J's trainer factory for the wrapper's mode, with each trainer it makes joined to the group. */
    private static final class SyncContext implements TrainerContext {
        private final TrainerContext context;
        private final WorkerGroup group;

        SyncContext(TrainerContext context, WorkerGroup group) {
            this.context = context;
            this.group = group;
        }

        @Override
        public void init(Model model, Object... args) {
            context.init(model, args);
        }

        @Override
        public Trainer create(String uuid, int threadId, Model model, int rootDevice, boolean useMDS,
                              ParallelWrapper wrapper, WorkspaceMode workspaceMode, int averagingFrequency) {
            return new SyncTrainer(context.create(uuid, threadId, model, rootDevice, useMDS, wrapper, workspaceMode,
                    averagingFrequency), group, threadId);
        }

        @Override
        public void finalizeRound(Model originalModel, Model... models) {
            context.finalizeRound(originalModel, models);
        }

        @Override
        public void finalizeTraining(Model originalModel, Model... models) {
            context.finalizeTraining(originalModel, models);
        }
    }
}
