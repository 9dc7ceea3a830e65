package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.work.WorkSlots;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each unit's work on its own virtual thread, at most one piece of work per unit at a time and at most as many
 * units at work at once as there are {@link WorkSlots}; a unit waiting in a health gate gives its slot up, so it
 * never holds up another and hundreds can wait at once. The newest offered revision wins: a
 * unit busy with an older commit picks up the newest one when it finishes. Operator actions (rollback, resume) queue
 * per unit and run before its next sync.
 */
final class UnitWorkers {
    private static final Logger LOG = LoggerFactory.getLogger(UnitWorkers.class);

    /** A unit's work at a revision. */
    interface Work {
        /** Whether the unit needs work now; may record an outcome that needs none (carried, waiting). */
        boolean wanted(Unit unit, Revision revision, Map<String, String> sources);

        void run(Unit unit, Revision revision, Map<String, String> sources);

        /** {@code run} threw: the unit is recorded as failed. */
        void failed(Unit unit, Throwable error);

        /** The units whose need for work may change when {@code unitId}'s work ends (the next environment's). */
        default List<String> dependents(String unitId) {
            return List.of();
        }
    }

    private record Offer(long sequence, Revision revision, List<Unit> units, Map<String, String> sources) {
    }

    private final ExecutorService executor;
    private final WorkSlots slots;
    private final Work work;
    private final Set<String> running = new HashSet<>();
    private final Map<String, Queue<Runnable>> actions = new HashMap<>();
    private final Consumer<Unit> afterEach;
    /** The offer each unit last started work in: a unit works at most once per offer (a failed apply waits). */
    private final Map<String, Long> workedInOffer = new HashMap<>();
    /**
     * The units of the latest offer still to be asked whether they need work, in offer order: each is asked once per
     * offer, and again when its own work or its previous environment's ends. Only these are looked at when a unit
     * finishes: scanning all 5,000 units of an offer after each unit's work made a first sync O(N²).
     */
    private java.util.LinkedHashMap<String, Unit> pending = new java.util.LinkedHashMap<>();
    /** The latest offer's units by id. */
    private Map<String, Unit> offered = Map.of();
    private Offer latest;
    private long offers;
    private boolean stopped;

    UnitWorkers(WorkSlots slots, Work work, Consumer<Unit> afterEach) {
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("capstan-unit-", 0).factory());
        this.slots = slots;
        this.work = work;
        this.afterEach = afterEach;
    }

    synchronized void offer(Revision revision, List<Unit> units, Map<String, String> sources) {
        latest = new Offer(++offers, revision, List.copyOf(units), Map.copyOf(sources));
        pending = new java.util.LinkedHashMap<>();
        latest.units().forEach(unit -> pending.put(unit.id(), unit));
        offered = Map.copyOf(pending);
        dispatch();
    }

    /** Queues an operator action for a unit; it runs as soon as the unit is idle. */
    synchronized void act(String unitId, Runnable action) {
        actions.computeIfAbsent(unitId, id -> new ArrayDeque<>()).add(action);
        dispatch();
    }

    synchronized boolean busy(String unitId) {
        return running.contains(unitId);
    }

    private synchronized void dispatch() {
        if (stopped) {
            return;
        }
        for (Map.Entry<String, Queue<Runnable>> queued : actions.entrySet()) {
            if (!queued.getValue().isEmpty() && !running.contains(queued.getKey())) {
                Runnable action = queued.getValue().poll();
                start(queued.getKey(), null, action);
            }
        }
        if (latest == null) {
            return;
        }
        Offer offer = latest;
        java.util.Iterator<Map.Entry<String, Unit>> asking = pending.entrySet().iterator();
        while (asking.hasNext()) {
            Map.Entry<String, Unit> next = asking.next();
            String id = next.getKey();
            if (running.contains(id)) {
                // Asked once its work ends.
                continue;
            }
            asking.remove();
            if (workedInOffer.getOrDefault(id, 0L) == offer.sequence()) {
                continue;
            }
            Unit unit = next.getValue();
            if (work.wanted(unit, offer.revision(), offer.sources())) {
                workedInOffer.put(id, offer.sequence());
                start(id, unit, () -> work.run(unit, offer.revision(), offer.sources()));
            }
        }
    }

    /** Asks {@code unitId} again in the latest offer, if it is part of it. */
    private void askAgain(String unitId) {
        Unit unit = offered.get(unitId);
        if (unit != null) {
            pending.putIfAbsent(unitId, unit);
        }
    }

    private void start(String unitId, Unit unit, Runnable task) {
        running.add(unitId);
        try {
            executor.execute(() -> {
                try {
                    // Every write of the unit's work is fenced by the Lease of the unit's shard.
                    WriteFence.forUnit(unitId, () -> slots.run(task));
                } catch (WriteFence.LeaseLost e) {
                    // Another replica may hold the unit now: nothing is decided, recorded or alerted here.
                    LOG.warn("work on {} abandoned: {}", unitId, e.getMessage());
                    finished(unitId);
                    return;
                } catch (RuntimeException | Error e) {
                    // Whatever escaped the unit's own handling still ends as this unit's failure, never a stale state.
                    LOG.error("work on {} failed: {}", unitId, e.getClass().getName());
                    if (unit != null) {
                        work.failed(unit, e);
                    }
                } finally {
                    if (unit != null) {
                        afterEach.accept(unit);
                    }
                    finished(unitId);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(unitId);
        }
    }

    private synchronized void finished(String unitId) {
        running.remove(unitId);
        askAgain(unitId);
        work.dependents(unitId).forEach(this::askAgain);
        notifyAll();
        dispatch();
    }

    /** Stops starting work and waits (at most {@code timeout}) for what runs to finish. */
    void stop(Duration timeout) {
        synchronized (this) {
            stopped = true;
        }
        slots.stopWaiting();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                // A rollout still waiting on a gate: its record says progressing, the next agent resumes it.
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }
}
