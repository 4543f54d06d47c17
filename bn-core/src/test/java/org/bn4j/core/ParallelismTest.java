package org.bn4j.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelismTest {
    private static final long LARGE = Parallelism.SERIAL_BELOW;

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3, 8})
    void everyTaskRunsExactlyOnce(int threads) {
        AtomicIntegerArray runs = new AtomicIntegerArray(1000);
        Parallelism.threads(threads).forEach(runs.length(), LARGE, runs::incrementAndGet);
        for (int t = 0; t < runs.length(); t++) {
            assertEquals(1, runs.get(t), "task " + t);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 8})
    void aTasksExceptionReachesTheCallerWithNoTaskLeftRunning(int threads) throws InterruptedException {
        IllegalArgumentException thrown = new IllegalArgumentException("task 37");
        AtomicIntegerArray runs = new AtomicIntegerArray(100);
        IllegalArgumentException caught = assertThrows(IllegalArgumentException.class,
                () -> Parallelism.threads(threads).forEach(runs.length(), LARGE, t -> {
                    runs.incrementAndGet(t);
                    if (t == 37) {
                        throw thrown;
                    }
                }));
        assertSame(thrown, caught);
        String atReturn = runs.toString();
        Thread.sleep(50);
        assertEquals(atReturn, runs.toString(), "tasks ran after forEach returned");
        for (int t = 0; t <= 37; t++) {
            assertEquals(1, runs.get(t), "task " + t);
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void helpersThatHaveParkedJoinTheNextCall(int threads) throws InterruptedException {
        Parallelism parallelism = Parallelism.threads(threads);
        parallelism.forEach(10, LARGE, t -> {
        });
        Thread.sleep(20 * HelperThreads.SPIN_NANOS / 1_000_000 + 5);
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        AtomicIntegerArray runs = new AtomicIntegerArray(200);
        parallelism.forEach(runs.length(), LARGE, t -> {
            ranOn.add(Thread.currentThread());
            runs.incrementAndGet(t);
            long until = System.nanoTime() + 100_000;
            while (System.nanoTime() < until) {
                Thread.onSpinWait();
            }
        });
        for (int t = 0; t < runs.length(); t++) {
            assertEquals(1, runs.get(t), "task " + t);
        }
        ranOn.remove(Thread.currentThread());
        assertTrue(!ranOn.isEmpty(), "20 ms of tasks all ran on the calling thread: no helper woke up");
    }
}
