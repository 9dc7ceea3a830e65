package dev.capstan.agent.rollout;

import java.util.concurrent.Semaphore;

/**
 * At most {@code slots} units at work at once (rendering, dry runs, applies), however many are waiting: a unit whose
 * gate waits for the cluster gives its slot up and takes one again when it has something to do. Units run on virtual
 * threads, so a waiting unit holds neither a slot nor a platform thread, and hundreds can wait in their gates while a
 * few work.
 */
public final class WorkSlots {
    private final int slots;
    private final Semaphore free;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    /** Whether this thread holds a slot: only then does waiting give one up. */
    private final ThreadLocal<Boolean> holding = ThreadLocal.withInitial(() -> false);

    public WorkSlots(int slots) {
        this.slots = slots;
        this.free = new Semaphore(slots, true);
    }

    /** Runs {@code work} in a slot, waiting for one first. */
    public void run(Runnable work) {
        free.acquireUninterruptibly();
        holding.set(true);
        try {
            work.run();
        } finally {
            holding.remove();
            free.release();
        }
    }

    /** A wait that gives the caller's slot (if it holds one) to other units meanwhile. */
    public interface Wait<T, E extends Exception> {
        T get() throws E;
    }

    public <T, E extends Exception> T waiting(Wait<T, E> wait) throws E {
        waiting.incrementAndGet();
        boolean gaveUp = holding.get();
        if (gaveUp) {
            free.release();
            holding.set(false);
        }
        try {
            return wait.get();
        } finally {
            waiting.decrementAndGet();
            if (gaveUp) {
                free.acquireUninterruptibly();
                holding.set(true);
            }
        }
    }

    /** Slots free now. */
    public int free() {
        return free.availablePermits();
    }

    /** Units at work now (holding a slot). */
    public int working() {
        return slots - free.availablePermits();
    }

    /** Units waiting now (in a gate, on a check). */
    public int waiting() {
        return waiting.get();
    }
}
