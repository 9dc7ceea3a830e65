package dev.capstan.agent.rollout;

import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.release.Release;
import java.util.List;
import java.util.Optional;

/**
 * One rollout as the controller carries it from step to step (Argo Rollouts' {@code rolloutContext}): what was asked,
 * the steps planned for it, and the last good release to go back to (with its objects, read once from its stored
 * manifests).
 */
record RolloutContext(RolloutRequest request, List<Step> steps, Optional<Release> lastGood,
                      List<RenderedObject> lastGoodObjects) {
    RolloutContext {
        steps = List.copyOf(steps);
        lastGoodObjects = List.copyOf(lastGoodObjects);
    }
}
