package dev.capstan.agent.rollout;

import java.time.Duration;
import java.util.List;

/** How a health gate ended. */
public sealed interface GateResult {
    Duration took();

    record Passed(Duration took) implements GateResult {
    }

    /**
     * The agent is stopping: nothing was decided about the step. Its revision stays {@code progressing} at this step,
     * and the next agent resumes it there.
     */
    record Interrupted(Duration took) implements GateResult {
    }

    /** A newer commit changed the unit's source while the gate waited: nothing was decided about this revision. */
    record Superseded(Duration took, String commit) implements GateResult {
    }

    /** {@code signals}: each failing object or check with its reason, the root-cause signal of an incident. */
    record Failed(Duration took, List<String> signals) implements GateResult {
        public Failed {
            signals = List.copyOf(signals);
        }
    }
}
