package org.bn4j.dl4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The workers of one ParallelWrapper that synchronized BN layers exchange their shares with. Work comes in rounds:
 * the wrapper hands one minibatch to each of some workers ({@link #enroll}), then waits for them ({@link #close}).
 * Within a round, the k-th {@link #exchange} of every enrolled worker meets the k-th of the others: each gets all
 * the shares, in worker order, once every enrolled worker has posted its own and the round is closed (so a worker
 * that got no minibatch, at the end of an epoch, is not waited for).
 *
 * <p>Never hangs: a worker that fails ({@link #fail}) breaks the round, and every waiting worker gets an exception
 * naming it; a wait longer than the timeout breaks it too, naming the workers that did not arrive. The next round
 * starts afresh.
 *
 * <p>Threads join as workers with {@link #bind}; a BN layer on a thread that joined none ({@link #current()} null),
 * as in a plain {@code fit}, {@code output} or a gradient check, normalizes on its own.
 */
final class WorkerGroup {
    private static final ThreadLocal<Member> CURRENT = new ThreadLocal<>();

    /** A worker of a group, as seen from its own thread. */
    record Member(WorkerGroup group, int rank) {
        <T> List<T> exchange(String what, T share) {
            return group.exchange(rank, what, share);
        }
    }

    private final int workers;
    private final long timeoutNanos;
    private final Object lock = new Object();
    // --- the current round, guarded by lock ---
    private boolean enrolling;
    private final TreeSet<Integer> enrolled = new TreeSet<>();
    private final int[] exchangesDone;
    private final Map<Integer, Meeting> meetings = new HashMap<>();
    private RuntimeException broken;

    /**
     * @param workers the number of workers, ranks {@code 0 .. workers - 1}
     * @param timeout the longest one worker waits for the others at one exchange; positive
     */
    WorkerGroup(int workers, Duration timeout) {
        if (workers < 1) {
            throw new IllegalArgumentException("a worker group needs at least 1 worker, got " + workers);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        this.workers = workers;
        this.timeoutNanos = timeout.toNanos();
        this.exchangesDone = new int[workers];
    }

    int workers() {
        return workers;
    }

    /** @return the worker the current thread acts as, or null if it joined no group */
    static Member current() {
        return CURRENT.get();
    }

    /** Makes the current thread worker {@code rank} until {@link #unbind()}. */
    void bind(int rank) {
        requireRank(rank);
        CURRENT.set(new Member(this, rank));
    }

    static void unbind() {
        CURRENT.remove();
    }

    /** Worker {@code rank} gets a minibatch in this round; the first call after {@link #close} starts a new round. */
    void enroll(int rank) {
        requireRank(rank);
        synchronized (lock) {
            if (!enrolling) {
                enrolling = true;
                enrolled.clear();
                meetings.clear();
                java.util.Arrays.fill(exchangesDone, 0);
                broken = null;
            }
            enrolled.add(rank);
        }
    }

    /** No more workers join this round: the ones enrolled are all there will be. */
    void close() {
        synchronized (lock) {
            enrolling = false;
            lock.notifyAll();
        }
    }

    /** Worker {@code rank} failed: every worker waiting in this round gets an exception naming it. */
    void fail(int rank, Throwable cause) {
        synchronized (lock) {
            if (broken == null) {
                broken = new IllegalStateException(
                        "synchronized BN: worker " + rank + " failed (" + cause + "), so the "
                                + "other workers of its round stop too",
                        cause);
            }
            lock.notifyAll();
        }
    }

    /**
     * @param rank  the calling worker
     * @param what  what is exchanged (layer and phase); every worker's k-th exchange of a round must name the same
     * @param share this worker's share
     * @return the shares of every worker enrolled in this round, in worker order
     * @throws IllegalStateException if the round is broken, a worker fails or does not arrive within the timeout,
     *                               the workers disagree on {@code what}, or this worker has no minibatch this round
     */
    @SuppressWarnings("unchecked")
    <T> List<T> exchange(int rank, String what, T share) {
        requireRank(rank);
        synchronized (lock) {
            if (broken != null) {
                throw new IllegalStateException(broken.getMessage(), broken);
            }
            if (!enrolled.contains(rank)) {
                throw new IllegalStateException("synchronized BN: worker " + rank + " reached " + what
                        + " without a minibatch in this round (workers " + enrolled + " have one)");
            }
            int index = exchangesDone[rank]++;
            Meeting meeting = meetings.computeIfAbsent(index, i -> new Meeting(what));
            if (!meeting.what.equals(what)) {
                broken = new IllegalStateException("synchronized BN: worker " + rank + " reached " + what
                        + " while another worker reached " + meeting.what + "; every worker must run the same network");
                lock.notifyAll();
                throw broken;
            }
            meeting.shares.put(rank, share);
            lock.notifyAll();
            long deadline = System.nanoTime() + timeoutNanos;
            while (broken == null && (enrolling || !meeting.shares.keySet().containsAll(enrolled))) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    List<Integer> missing = new ArrayList<>(enrolled);
                    missing.removeAll(meeting.shares.keySet());
                    broken = new IllegalStateException("synchronized BN: at " + what + ", worker(s) " + missing
                            + " of round " + enrolled + " did not arrive within " + Duration.ofNanos(timeoutNanos)
                            + (enrolling ? " (and the round was never closed: is this thread a worker of a "
                                    + "ParallelWrapper set up with SyncBatchNorm.enable?)" : ""));
                    lock.notifyAll();
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, remaining);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    broken = new IllegalStateException(
                            "synchronized BN: worker " + rank + " was interrupted at " + what, e);
                    lock.notifyAll();
                }
            }
            if (broken != null) {
                throw new IllegalStateException(broken.getMessage(), broken);
            }
            List<T> shares = new ArrayList<>(enrolled.size());
            for (int worker : enrolled) {
                shares.add((T) meeting.shares.get(worker));
            }
            return shares;
        }
    }

    private void requireRank(int rank) {
        if (rank < 0 || rank >= workers) {
            throw new IllegalArgumentException("worker " + rank + " does not exist; the group has " + workers);
        }
    }

    /** The shares posted for one exchange of a round. */
    private static final class Meeting {
        final String what;
        final Map<Integer, Object> shares = new HashMap<>();

        Meeting(String what) {
            this.what = what;
        }
    }
}
