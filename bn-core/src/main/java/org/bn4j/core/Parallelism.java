package org.bn4j.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * How many threads the kernels may use. Work is split into tasks whose boundaries depend on the tensor's
 * shape only, never on the thread count, so results are bitwise identical for every {@code Parallelism}.
 *
 * <p>Tensors below {@link #SERIAL_BELOW} elements run on the calling thread: forking costs more than it saves.
 * The calling thread works alongside {@code threads - 1} helpers, daemon threads shared per thread count
 * ({@link HelperThreads}). Thread-safe.
 */
public final class Parallelism {
    /** Element count under which a pass runs serially. */
    public static final int SERIAL_BELOW = 1 << 16;

    /**
     * Claims of consecutive tasks per thread and pass: runs of consecutive blocks keep each thread's memory stream
     * sequential, and several claims per thread even out threads that start late or run slower.
     */
    private static final int CLAIMS_PER_THREAD = 8;
    private static final Map<Integer, HelperThreads> HELPERS = new ConcurrentHashMap<>();
    private static final Parallelism SERIAL = new Parallelism(1);

    private final int threads;

    private Parallelism(int threads) {
        this.threads = threads;
    }

    /** @return everything on the calling thread */
    public static Parallelism serial() {
        return SERIAL;
    }

    /** @param threads the number of threads to use, at least 1 */
    public static Parallelism threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        return threads == 1 ? SERIAL : new Parallelism(threads);
    }

    /** @return one thread per processor the JVM sees ({@link Runtime#availableProcessors()}) */
    public static Parallelism availableProcessors() {
        return threads(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code task.accept(t)} for every t in {@code [0, tasks)}, in parallel when worthwhile; returns when all are
     * done, rethrowing the first exception a task threw.
     */
    void forEach(int tasks, long elements, IntConsumer task) {
        if (threads == 1 || tasks == 1 || elements < SERIAL_BELOW) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        SharedTasks work = new SharedTasks(task, tasks, Math.max(1, tasks / (threads * CLAIMS_PER_THREAD)));
        HelperThreads helpers = HELPERS.computeIfAbsent(threads - 1, HelperThreads::new);
        Runnable join = work::run;
        helpers.offer(join);
        work.run();
        helpers.withdraw(join);
        work.awaitDone();
    }

    @Override
    public String toString() {
        return "Parallelism{threads=" + threads + "}";
    }

    /**
     * Tasks claimed in runs of {@code chunk} by the calling thread and the helpers alike. The caller works too and then
     * waits only for tasks already claimed, never for a helper to be scheduled: a helper that does not get a core
     * costs the pass nothing (docs/performance.md, design decisions).
     */
    private static final class SharedTasks {
        private static final int SPINS = 1 << 10;
        private final IntConsumer task;
        private final int tasks;
        private final int chunk;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        /** @param chunk consecutive tasks per claim */
        SharedTasks(IntConsumer task, int tasks, int chunk) {
            this.task = task;
            this.tasks = tasks;
            this.chunk = chunk;
        }

        void run() {
            for (int first = next.getAndAdd(chunk); first < tasks; first = next.getAndAdd(chunk)) {
                final int end = Math.min(tasks, first + chunk);
                for (int t = first; t < end; t++) {
                    try {
                        task.accept(t);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.incrementAndGet();
                    }
                }
            }
        }

        /** Waits for the claimed tasks: spinning briefly, then yielding the core, perhaps to the thread it waits for. */
        void awaitDone() {
            for (int spins = 0; done.get() < tasks; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            if (e != null) {
                throw new IllegalStateException(e);
            }
        }
    }
}
