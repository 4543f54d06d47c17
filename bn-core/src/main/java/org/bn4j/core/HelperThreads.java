package org.bn4j.core;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Daemon threads that join the work a caller offers ({@link Parallelism}). After a piece of work a helper spins for
 * {@link #SPIN_NANOS} before it parks, as OpenMP's threads do: the passes of one call follow each other within
 * microseconds, and a helper that parks between them must be woken for each (why not a {@code ForkJoinPool}, whose
 * workers park: docs/performance.md, design decisions). Offers are
 * not queued: a helper joins the newest one; the caller runs whatever no helper claims, so an offer that no helper
 * sees costs time, never results.
 */
final class HelperThreads {
    /** How long a helper waits for the next offer before it parks. */
    static final long SPIN_NANOS = 50_000;

    /** Incremented with every offer; helpers remember the last one they saw rather than the work itself. */
    private final AtomicLong offers = new AtomicLong();
    private volatile Runnable offered;
    private final Helper[] helpers;

    /** Starts {@code count} helper threads. */
    HelperThreads(int count) {
        helpers = new Helper[count];
        for (int i = 0; i < count; i++) {
            helpers[i] = new Helper();
            Thread thread = new Thread(helpers[i], "bn4j-helper-" + (i + 1) + "-of-" + count);
            thread.setDaemon(true);
            helpers[i].thread = thread;
            thread.start();
        }
    }

    /** Offers {@code work} to every helper; it may run on any number of them, or none. */
    void offer(Runnable work) {
        offered = work;
        offers.incrementAndGet();
        for (Helper helper : helpers) {
            if (helper.parked) {
                LockSupport.unpark(helper.thread);
            }
        }
    }

    /** Withdraws {@code work} if it is still on offer, so that idle helpers do not keep it (and its data) reachable. */
    void withdraw(Runnable work) {
        if (offered == work) {
            offered = null;
        }
    }

    private final class Helper implements Runnable {
        Thread thread;
        /** Set before parking and checked by {@link #offer} after publishing: one of the two sees the other. */
        volatile boolean parked;

        @Override
        public void run() {
            long seen = 0;
            while (true) {
                seen = awaitOffer(seen);
                Runnable work = offered;
                if (work != null) {
                    work.run();
                }
            }
        }

        /** @return the number of the newest offer, once it is newer than {@code seen} */
        private long awaitOffer(long seen) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                long latest = offers.get();
                if (latest != seen) {
                    return latest;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                parked = true;
                if (offers.get() == seen) {
                    LockSupport.park(this);
                }
                parked = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }
}
