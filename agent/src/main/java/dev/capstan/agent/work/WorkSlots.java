package dev.capstan.agent.work;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code slots} units at work at once (rendering, dry runs, applies), however many are waiting: a unit whose
 * gate waits for the cluster gives its slot up and takes one again when it has something to do. Units run on virtual
 * threads, so a waiting unit holds neither a slot nor a platform thread, and hundreds can wait in their gates while a
 * few work. A unit coming back from a wait goes before units that have not started: it is closer to done, and
 * finishing it frees what it holds (its rendered state, its place in the gates).
 */
public final class WorkSlots {
    private final int slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition forReturning = lock.newCondition();
    private final Condition forNew = lock.newCondition();
    private int free;
    /** Units back from a wait, queued for a slot. */
    private int returning;
    private final AtomicInteger waiting = new AtomicInteger();
    /** The threads waiting now: cut off at once when the agent stops ({@link #stopWaiting}). */
    private final java.util.Set<Thread> waiters = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    /** Whether this thread holds a slot: only then does waiting give one up. */
    private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

    public WorkSlots(int slots) {
        this.slots = slots;
        this.free = slots;
    }

    /** Runs {@code work} in a slot, waiting for one first. */
    public void run(Runnable work) {
        acquire(false);
        holding.set(true);
        try {
            work.run();
        } finally {
            holding.remove();
            release();
        }
    }

    /**
     * The agent is stopping: units waiting in a gate or a hook are interrupted now, and a wait begun from now on at
     * once. A wait holds nothing that needs finishing (its record says where the unit is), so a shutdown need not
     * wait for it; work in a slot (an apply) is left to finish.
     */
    public void stopWaiting() {
        stopping = true;
        waiters.forEach(Thread::interrupt);
    }

    public interface Wait<T, E extends Exception> {
        T get() throws E;
    }

    /** A wait that gives the caller's slot (if it holds one) to other units meanwhile. */
    public <T, E extends Exception> T waiting(Wait<T, E> wait) throws E {
        waiting.incrementAndGet();
        waiters.add(Thread.currentThread());
        if (stopping) {
            Thread.currentThread().interrupt(); // added first, checked second: no wait escapes stopWaiting
        }
        boolean gaveUp = holding.get();
        if (gaveUp) {
            holding.set(false);
            release();
        }
        try {
            return wait.get();
        } finally {
            waiting.decrementAndGet();
            waiters.remove(Thread.currentThread());
            if (gaveUp) {
                acquire(true);
                holding.set(true);
            }
        }
    }

    private void acquire(boolean back) {
        lock.lock();
        try {
            if (back) {
                returning++;
                while (free == 0) {
                    forReturning.awaitUninterruptibly();
                }
                returning--;
            } else {
                while (free == 0 || returning > 0) {
                    forNew.awaitUninterruptibly();
                }
            }
            free--;
            wakeNext();
        } finally {
            lock.unlock();
        }
    }

    private void release() {
        lock.lock();
        try {
            free++;
            wakeNext();
        } finally {
            lock.unlock();
        }
    }

    /** With a slot free, the next in line: a returning unit first. Under the lock. */
    private void wakeNext() {
        if (free > 0) {
            (returning > 0 ? forReturning : forNew).signal();
        }
    }

    /** Slots free now. */
    public int free() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** Units at work now (holding a slot). */
    public int working() {
        return slots - free();
    }

    /** Units waiting now (in a gate, on a check). */
    public int waiting() {
        return waiting.get();
    }
}
