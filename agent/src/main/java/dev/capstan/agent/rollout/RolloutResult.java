package dev.capstan.agent.rollout;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.release.Release;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** How a rollout of one unit ended. */
public sealed interface RolloutResult {
    /** The revision that was rolled out (or failed); its record is written. */
    Release release();

    /**
     * Every step passed its gate; {@code release} is the unit's new last good. {@code versions}: the
     * resourceVersion each object got from the last apply (empty when not known).
     */
    record Deployed(Release release, int objects, Map<ObjectKey, String> versions) implements RolloutResult {
        public Deployed {
            versions = Map.copyOf(versions);
        }
    }

    /**
     * A gate failed: {@code release} is failed and quarantined; {@code restored} is the revision re-applied after
     * the full step failed (empty when the canary failed, or when there was no earlier good release);
     * {@code reverted}: whether a last good release was there to go back to.
     */
    record RolledBack(Release release, Optional<Release> restored, List<String> signals, boolean reverted)
            implements RolloutResult {
        public RolledBack {
            signals = List.copyOf(signals);
        }
    }

    /**
     * The agent stopped while {@code release} waited in a gate: it stays {@code progressing} at its step, neither
     * failed nor quarantined; the next agent resumes it from its record.
     */
    record Interrupted(Release release) implements RolloutResult {
    }

    /**
     * A newer commit ({@code commit}) changed the unit's source while {@code release} waited in a gate: what its step
     * had switched is undone as after a failed gate ({@code restored}: the revision re-applied, if the step had
     * changed the stable version), but {@code release} is neither quarantined nor an incident: the newer commit
     * replaces it.
     */
    record Superseded(Release release, Optional<Release> restored, String commit) implements RolloutResult {
    }

    /** The API server rejected the change set in the dry run: nothing was applied. */
    record Rejected(Release release, String message) implements RolloutResult {
    }
}
