package dev.capstan.agent.cluster;

import dev.capstan.agent.model.RenderedObject;
import java.util.List;

/** Applies a unit's objects outside a rollout (a re-sync, a drift correction): all or nothing, through the gate. */
public interface Applier {
    /** Dry-runs all of {@code objects} (the write gate included), then applies them if the server took them all. */
    ApplyResult validateAndApply(List<RenderedObject> objects);
}
