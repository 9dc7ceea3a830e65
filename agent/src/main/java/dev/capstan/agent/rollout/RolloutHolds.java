package dev.capstan.agent.rollout;

import dev.capstan.agent.chart.ObjectKey;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The objects each unit's running rollout keeps from their rendered form until its last step: the changed
 * Deployments (their old version runs meanwhile, as the stable of a canary or the parked blue of a blue-green
 * rollout) and the Services a blue-green rollout re-points. Their difference from the commit is the rollout's doing,
 * not drift. Shared by the rollouts (writing) and the drift report (reading).
 */
public final class RolloutHolds {
    private final Map<String, Set<ObjectKey>> byUnit = new ConcurrentHashMap<>();

    void hold(String unit, Collection<ObjectKey> keys) {
        if (keys.isEmpty()) {
            byUnit.remove(unit);
        } else {
            byUnit.put(unit, Set.copyOf(keys));
        }
    }

    void release(String unit) {
        byUnit.remove(unit);
    }

    /** What the rollout of {@code unit} holds now; empty when none runs. */
    public Set<ObjectKey> of(String unit) {
        return byUnit.getOrDefault(unit, Set.of());
    }
}
