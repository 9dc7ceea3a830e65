package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Hook;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Runs a chart's hooks for some events (see {@link HookRunner}). */
@FunctionalInterface
public interface Hooks {
    Outcome run(List<Hook> hooks, Set<Hook.Event> events, Duration timeout);

    /** How a run of hooks ended. */
    sealed interface Outcome {
        /** Every hook passed (or none was registered for the events). */
        record Passed() implements Outcome {
        }

        /** A hook failed, was refused or ran out of time: the signals say which and why. */
        record Failed(List<String> signals) implements Outcome {
            public Failed {
                signals = List.copyOf(signals);
            }
        }

        /** The agent is stopping: a hook's wait was cut off, which says nothing about the hook. */
        record Interrupted() implements Outcome {
        }
    }
}
