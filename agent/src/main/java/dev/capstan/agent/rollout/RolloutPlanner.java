package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Turns a desired state and the unit's last good release into rollout steps. Pure. A Deployment gets a canary when
 * its pod template differs from the last good one (blue-green: a green copy, see {@link BlueGreenPlanner}); with no
 * last good release (a first deploy), no changed Deployment, or the rolling strategy, there is one full step.
 */
public final class RolloutPlanner {
    private RolloutPlanner() {
    }

    /**
     * @param lastGood       the objects of the last good release, empty on a first deploy
     * @param stable         the live Deployments: the replicas each runs now (an HPA may have scaled it), the hash of
     *                       its current pods
     * @throws BlueGreenPlanner.Unswitchable when a blue-green rollout cannot switch a Service's traffic
     */
    public static List<Step> plan(Environment.Rollout rollout, List<RenderedObject> desired,
                                  List<RenderedObject> lastGood, StableDeployments stable) {
        Map<ObjectKey, RenderedObject> previous = lastGood.stream()
                .collect(Collectors.toMap(RenderedObject::key, o -> o, (a, b) -> a));
        List<RenderedObject> changed = desired.stream()
                .filter(o -> "Deployment".equals(o.key().kind()) && previous.containsKey(o.key())
                        && !Objects.equals(template(o), template(previous.get(o.key()))))
                .toList();
        if (rollout.strategy() == Environment.Strategy.BLUE_GREEN && !changed.isEmpty()) {
            return BlueGreenPlanner.plan(rollout.blueGreen(), desired, changed, stable);
        }
        List<Step> steps = new ArrayList<>();
        if (rollout.strategy() == Environment.Strategy.CANARY && !changed.isEmpty()) {
            List<RenderedObject> others = desired.stream().filter(o -> !changed.contains(o)).toList();
            boolean first = true;
            for (int percent : rollout.steps()) {
                if (percent >= 100) {
                    break;
                }
                List<RenderedObject> canaries = changed.stream().map(d -> Canary.of(d, Canary.replicas(percent,
                        replicasOf(d, stable)))).toList();
                steps.add(new Step.CanaryStep(percent, first ? others : List.of(), canaries));
                first = false;
            }
        }
        steps.add(new Step.Full(desired));
        return steps;
    }

    static int replicasOf(RenderedObject deployment, StableDeployments stable) {
        Integer live = stable.replicas(deployment.key());
        if (live != null && live > 0) {
            return live;
        }
        return deployment.content().get("spec") instanceof Map<?, ?> spec && spec.get("replicas") instanceof
                Number n ? n.intValue() : 1;
    }

    private static Object template(RenderedObject deployment) {
        return deployment.content().get("spec") instanceof Map<?, ?> spec ? spec.get("template") : null;
    }
}
