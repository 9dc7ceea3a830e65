package dev.capstan.agent.rollout;

import dev.capstan.agent.chart.ObjectKey;
import dev.capstan.agent.cluster.HealthProbe;
import dev.capstan.agent.config.Check;
import dev.capstan.agent.health.CheckResult;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.health.Health;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * A health gate: polls the live status of the step's objects until all are healthy and then runs the declared
 * checks until each has its consecutive successes. Fails fast on a clear signal (a Degraded object, a Prometheus
 * sample out of range); otherwise fails when {@code timeout} runs out, naming what was still not there. Blocking.
 */
public final class Gate {
    static final Duration POLL = Duration.ofMillis(150);

    private final HealthProbe probe;
    private final CheckRunner checks;
    private final MeterRegistry metrics;

    public Gate(HealthProbe probe, CheckRunner checks, MeterRegistry metrics) {
        this.probe = probe;
        this.checks = checks;
        this.metrics = metrics;
        // Every series exists from the start: a dashboard or rule sees 0, not "no data".
        for (String type : List.of("smoke", "prometheus")) {
            for (String result : List.of("passed", "not_yet", "failed")) {
                metrics.counter("capstan_health_checks_total", "type", type, "result", result);
            }
        }
    }

    public GateResult await(List<ObjectKey> objects, List<Check> declared, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, Integer> streaks = new HashMap<>();
        Map<String, Long> nextRun = new HashMap<>();
        // What each check said last: a gate that times out between two runs still names why.
        Map<String, String> lastSaid = new HashMap<>();
        List<String> waitingFor = List.of();
        while (true) {
            Map<ObjectKey, Health> health = probe.assess(objects);
            List<String> degraded = new ArrayList<>();
            List<String> progressing = new ArrayList<>();
            health.forEach((key, h) -> {
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
                    if (System.nanoTime() < nextRun.getOrDefault(check.name(), 0L)
                            || System.nanoTime() >= deadline && lastSaid.containsKey(check.name())) {
                        pending.add("check " + check.name() + ": " + lastSaid.getOrDefault(check.name(),
                                "waiting for its next run"));
                        continue;
                    }
                    nextRun.put(check.name(), System.nanoTime() + interval(check).toNanos());
                    CheckResult outcome = checks.run(check, deadline);
                    metrics.counter("capstan_health_checks_total", "type",
                            check instanceof Check.Http ? "smoke" : "prometheus", "result", switch (outcome) {
                                case CheckResult.Passed p -> "passed";
                                case CheckResult.NotYet n -> "not_yet";
                                case CheckResult.Failed f -> "failed";
                            }).increment();
                    switch (outcome) {
                        case CheckResult.Failed failed -> {
                            return new GateResult.Failed(since(start), List.of("check " + check.name() + ": "
                                    + failed.detail()));
                        }
                        case CheckResult.NotYet notYet -> {
                            streaks.put(check.name(), 0);
                            lastSaid.put(check.name(), notYet.detail());
                            pending.add("check " + check.name() + ": " + notYet.detail());
                        }
                        case CheckResult.Passed passed -> {
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
            LockSupport.parkNanos(POLL.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return new GateResult.Failed(since(start), List.of("interrupted: the agent is stopping"));
            }
        }
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
