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
public final class SyncLoop {
    private final Vertx vertx;
    private final WorkerExecutor worker;
    private final Runnable cycle;
    private final Duration interval;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requested = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile long timerId = -1;

    public SyncLoop(Vertx vertx, WorkerExecutor worker, Runnable cycle, Duration interval) {
        this.vertx = vertx;
        this.worker = worker;
        this.cycle = cycle;
        this.interval = interval;
    }

    public void start() {
        trigger();
        scheduleNextPoll();
    }

    /** Asks for a cycle as soon as possible. */
    public void trigger() {
        requested.set(true);
        launchIfIdle();
    }

    public void stop() {
        stopped = true;
        vertx.cancelTimer(timerId);
    }

    private void launchIfIdle() {
        if (stopped || !requested.get() || !running.compareAndSet(false, true)) {
            return;
        }
        requested.set(false);
        worker.executeBlocking(() -> {
            cycle.run();
            return null;
        }, false).onComplete(done -> {
            running.set(false);
            // A trigger that came while we ran is served now; set-then-check means none is lost.
            launchIfIdle();
        });
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
