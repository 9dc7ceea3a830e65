package dev.capstan.agent.sync;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs reconcile cycles one at a time on a worker thread: on a jittered poll timer and whenever {@link #trigger} is
 * called (a webhook). Triggers that arrive during a cycle coalesce into one more cycle, which fetches the newest
 * commit: a burst of pushes costs at most two fetches. {@link #trigger} never blocks, so event loops may call it.
 */
public final class CycleTrigger {
    private final Vertx vertx;
    private final WorkerExecutor worker;
    private final Runnable cycle;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile boolean started;
    private volatile long timerId = -1;

    public CycleTrigger(Vertx vertx, WorkerExecutor worker, Runnable cycle, Duration interval) {
        this.vertx = vertx;
        this.worker = worker;
        this.cycle = cycle;
        this.interval = interval;
    }

    /** Starts polling (once; a second call only asks for a cycle, as a replica taking one more shard does). */
    public synchronized void start() {
        if (started) {
            trigger();
            return;
        }
        started = true;
        trigger();
        scheduleNextPoll();
    }

    /** Asks for a cycle as soon as possible. */
    public void trigger() {
        requested.set(true);
        launchIfIdle();
    }

    /** Stops triggering cycles and waits (at most {@code timeout}) for a running one to finish. */
    public void stop(Duration timeout) {
        stopped = true;
        vertx.cancelTimer(timerId);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (running.get()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void launchIfIdle() {
        // A trigger that came while a cycle ran is served now; set-then-check means none is lost.
        // Before start (a standby replica) a trigger only waits: nothing reconciles but the leader.
        if (!started || stopped || !requested.get() || !running.compareAndSet(false, true)) {
            return;
        }
        requested.set(false);
        worker.executeBlocking(() -> {
            try {
                cycle.run();
            } finally {
                cycleEnded();
            }
            return null;
        }, false).onComplete(done -> launchIfIdle());
    }

    /** Runs on the worker as the cycle ends, so {@link #stop} can wait for it without the event loop. */
    private synchronized void cycleEnded() {
        running.set(false);
        notifyAll();
    }

    private void scheduleNextPoll() {
        if (stopped) {
            return;
        }
        long base = interval.toMillis();
        long jitter = (long) (base * 0.1 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
        timerId = vertx.setTimer(Math.max(1, base + jitter), id -> {
            trigger();
            scheduleNextPoll();
        });
    }
}
