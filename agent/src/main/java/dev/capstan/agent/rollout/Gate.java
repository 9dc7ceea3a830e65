package dev.capstan.agent.rollout;

import dev.capstan.agent.config.Check;
import dev.capstan.agent.health.CheckResult;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.health.Health;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.work.WorkSlots;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A health gate: waits until all of a step's objects are healthy as the watches see them, then runs the declared
 * checks until each has its consecutive successes. Driven by events: it looks again when the informers report a
 * change to the objects' namespaces (or a check is due), not on a timer, and sends no request to look. Fails fast on
 * a clear signal (a Degraded object, a Prometheus sample out of range); otherwise fails when {@code timeout} runs
 * out, naming what was still not there. Blocks a virtual thread while it waits, giving its work slot up.
 */
public final class Gate {
    /** A look without news now and then: a safety net, should an informer miss an event while it re-lists. */
    static final Duration RECHECK = Duration.ofSeconds(5);

    private final Duration recheck;

    private final LiveHealth health;
    private final CheckRunner checks;
    private final MeterRegistry metrics;
    private final WorkSlots slots;

    public Gate(LiveHealth health, CheckRunner checks, MeterRegistry metrics, WorkSlots slots) {
        this(health, checks, metrics, slots, RECHECK);
    }

    Gate(LiveHealth health, CheckRunner checks, MeterRegistry metrics, WorkSlots slots, Duration recheck) {
        this.recheck = recheck;
        this.health = health;
        this.checks = checks;
        this.metrics = metrics;
        this.slots = slots;
        // Every series exists from the start: a dashboard or rule sees 0, not "no data".
        for (String type : List.of("smoke", "prometheus")) {
            for (String result : List.of("passed", "not_yet", "failed")) {
                metrics.counter("capstan_health_checks_total", "type", type, "result", result);
            }
        }
    }

    /**
     * @param applied the resourceVersion each object was just applied at (judged only once the watch has it); objects
     *                not in it were not sent and are judged as they are
     */
    public GateResult await(List<ObjectKey> objects, Map<ObjectKey, String> applied, List<Check> declared,
                            Duration timeout) {
        return await(objects, applied, declared, timeout, Supersession.never());
    }

    /** As above; ends at once, {@link GateResult.Superseded}, when {@code supersession} is set meanwhile. */
    public GateResult await(List<ObjectKey> objects, Map<ObjectKey, String> applied, List<Check> declared,
                            Duration timeout, Supersession supersession) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, Integer> streaks = new HashMap<>();
        Map<String, Integer> wrongInARow = new HashMap<>();
        Map<String, Long> nextRun = new HashMap<>();
        // What each check said last: a gate that times out between two runs still names why.
        Map<String, String> lastSaid = new HashMap<>();
        List<String> waitingFor;
        try (LiveHealth.Changes changes = health.changes(objects);
                Supersession.Registration woken = supersession.onSupersede(changes::wake)) {
            while (true) {
                if (supersession.newerCommit().isPresent()) {
                    return new GateResult.Superseded(since(start), supersession.newerCommit().get());
                }
                long wakeAt = System.nanoTime() + recheck.toNanos();
                Map<ObjectKey, Health> now = health.assess(objects, applied);
                List<String> degraded = new ArrayList<>();
                List<String> progressing = new ArrayList<>();
                now.forEach((key, h) -> {
                    switch (h) {
                        case Health.Degraded d -> degraded.add(key + ": " + d.reason());
                        case Health.Progressing p -> progressing.add(key + ": " + p.reason());
                        case Health.Healthy ignored -> { }
                    }
                });
                if (!degraded.isEmpty()) {
                    return new GateResult.Failed(since(start), degraded);
                }
                if (progressing.isEmpty()) {
                    List<String> pending = new ArrayList<>();
                    for (Check check : declared) {
                        if (streaks.getOrDefault(check.name(), 0) >= successesNeeded(check)) {
                            continue;
                        }
                        long due = nextRun.getOrDefault(check.name(), 0L);
                        if (System.nanoTime() < due
                                || System.nanoTime() >= deadline && lastSaid.containsKey(check.name())) {
                            pending.add("check " + check.name() + ": " + lastSaid.getOrDefault(check.name(),
                                    "waiting for its next run"));
                            wakeAt = Math.min(wakeAt, due);
                            continue;
                        }
                        nextRun.put(check.name(), System.nanoTime() + interval(check).toNanos());
                        wakeAt = Math.min(wakeAt, nextRun.get(check.name()));
                        // A check is a network wait: the slot is someone else's meanwhile.
                        CheckResult outcome = slots.waiting(() -> checks.run(check, deadline));
                        count(check, outcome);
                        switch (outcome) {
                            case CheckResult.Failed failed -> {
                                return new GateResult.Failed(since(start), List.of("check " + check.name() + ": "
                                        + failed.detail()));
                            }
                            case CheckResult.WrongAnswer wrong -> {
                                streaks.put(check.name(), 0);
                                int wrongs = wrongInARow.merge(check.name(), 1, Integer::sum);
                                if (wrongs >= failureThreshold(check)) {
                                    return new GateResult.Failed(since(start), List.of("check " + check.name() + ": "
                                            + wrong.detail() + " (" + wrongs + " answers in a row)"));
                                }
                                lastSaid.put(check.name(), wrong.detail());
                                pending.add("check " + check.name() + ": " + wrong.detail());
                            }
                            case CheckResult.NotYet notYet -> {
                                streaks.put(check.name(), 0);
                                // A run cut short by the gate's own deadline says nothing new: keep what it said.
                                if (System.nanoTime() < deadline || !lastSaid.containsKey(check.name())) {
                                    lastSaid.put(check.name(), notYet.detail());
                                }
                                pending.add("check " + check.name() + ": " + lastSaid.get(check.name()));
                            }
                            case CheckResult.Passed passed -> {
                                wrongInARow.remove(check.name());
                                int streak = streaks.merge(check.name(), 1, Integer::sum);
                                if (streak < successesNeeded(check)) {
                                    pending.add("check " + check.name() + ": " + streak + " of "
                                            + successesNeeded(check) + " successes");
                                }
                            }
                        }
                    }
                    if (pending.isEmpty()) {
                        return new GateResult.Passed(since(start));
                    }
                    waitingFor = pending;
                } else {
                    // Objects regressed (a pod died): the checks start counting again once all are healthy.
                    streaks.clear();
                    waitingFor = progressing;
                }
                if (System.nanoTime() >= deadline) {
                    List<String> signals = new ArrayList<>();
                    signals.add("not healthy within " + timeout.toSeconds() + "s");
                    signals.addAll(waitingFor);
                    return new GateResult.Failed(since(start), signals);
                }
                long wait = Math.min(wakeAt, deadline) - System.nanoTime();
                try {
                    slots.waiting(() -> {
                        changes.await(Duration.ofNanos(wait));
                        return null;
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new GateResult.Interrupted(since(start));
                }
            }
        }
    }

    /**
     * Keeps gating {@code objects} for {@code holdFor}: fails as soon as one is Degraded or a check fails (a check
     * runs again at each of its intervals, to its consecutive successes each time; objects that regress get
     * {@code timeout} to recover), passes when the time is up and all is well. Blue-green's wait before the old
     * version is scaled down.
     */
    public GateResult hold(List<ObjectKey> objects, List<Check> declared, Duration timeout, Duration holdFor) {
        return hold(objects, declared, timeout, holdFor, Supersession.never());
    }

    /** As above; ends at once, {@link GateResult.Superseded}, when {@code supersession} is set meanwhile. */
    public GateResult hold(List<ObjectKey> objects, List<Check> declared, Duration timeout, Duration holdFor,
                           Supersession supersession) {
        long start = System.nanoTime();
        long until = start + Math.max(0, holdFor.toNanos());
        Duration look = declared.stream().map(Gate::interval).min(Duration::compareTo).orElse(recheck);
        try (LiveHealth.Changes changes = health.changes(objects);
                Supersession.Registration woken = supersession.onSupersede(changes::wake)) {
            while (true) {
                GateResult now = await(objects, Map.of(), declared, timeout, supersession);
                if (!(now instanceof GateResult.Passed)) {
                    return now;
                }
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return new GateResult.Passed(since(start));
                }
                long wait = Math.min(left, look.toNanos());
                try {
                    slots.waiting(() -> {
                        changes.await(Duration.ofNanos(wait));
                        return null;
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new GateResult.Interrupted(since(start));
                }
            }
        }
    }

    private void count(Check check, CheckResult outcome) {
        metrics.counter("capstan_health_checks_total", "type", check instanceof Check.Http ? "smoke" : "prometheus",
                "result", switch (outcome) {
                    case CheckResult.Passed p -> "passed";
                    case CheckResult.NotYet n -> "not_yet";
                    case CheckResult.WrongAnswer w -> "not_yet";
                    case CheckResult.Failed f -> "failed";
                }).increment();
    }

    private static int failureThreshold(Check check) {
        return check instanceof Check.Http http ? http.failureThreshold() : 1;
    }

    private static int successesNeeded(Check check) {
        return check instanceof Check.Http http ? http.successes() : 1;
    }

    private static Duration interval(Check check) {
        return check instanceof Check.Http http ? http.interval() : Duration.ofSeconds(1);
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
