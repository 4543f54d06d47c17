package org.bn4j.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RecursiveAction;
import java.util.function.IntConsumer;

/**
 * How many threads the kernels may use. Work is split into tasks whose boundaries depend on the tensor's
 * shape only, never on the thread count, so results are bitwise identical for every {@code Parallelism}.
 *
 * <p>Tensors below {@link #SERIAL_BELOW} elements run on the calling thread: forking costs more than it saves.
 * Pools are shared per thread count and made of daemon threads. Thread-safe.
 */
public final class Parallelism {
    /** Element count under which a pass runs serially. */
    public static final int SERIAL_BELOW = 1 << 16;

    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();
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

    /** Runs {@code task.accept(t)} for every t in {@code [0, tasks)}, in parallel when worthwhile; returns when all are done. */
    void forEach(int tasks, long elements, IntConsumer task) {
        if (threads == 1 || tasks == 1 || elements < SERIAL_BELOW) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        int grain = Math.max(1, tasks / (threads * 4));
        POOLS.computeIfAbsent(threads, ForkJoinPool::new).invoke(new Range(task, 0, tasks, grain));
    }

    @Override
    public String toString() {
        return "Parallelism{threads=" + threads + "}";
    }

    private static final class Range extends RecursiveAction {
        private final IntConsumer task;
        private final int from;
        private final int to;
        private final int grain;

        Range(IntConsumer task, int from, int to, int grain) {
            this.task = task;
            this.from = from;
            this.to = to;
            this.grain = grain;
        }

        @Override
        protected void compute() {
            if (to - from <= grain) {
                for (int t = from; t < to; t++) {
                    task.accept(t);
                }
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Range(task, from, mid, grain), new Range(task, mid, to, grain));
        }
    }
}
