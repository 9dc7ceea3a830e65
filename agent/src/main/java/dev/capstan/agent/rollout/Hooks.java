package dev.capstan.agent.rollout;

import dev.capstan.agent.chart.Hook;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Runs a chart's hooks for some events; the failures, empty when all passed (see {@link HookRunner}). */
@FunctionalInterface
public interface Hooks {
    List<String> run(List<Hook> hooks, Set<Hook.Event> events, Duration timeout);
}
