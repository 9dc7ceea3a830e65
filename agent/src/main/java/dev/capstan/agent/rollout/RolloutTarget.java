package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.ClusterConnection;
import dev.capstan.agent.cluster.Hooks;
import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.cluster.UnitWrites;
import dev.capstan.agent.model.RenderedObject;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The cluster side of a rollout: where its steps are written, what the stable Deployments run now, how hooks run, and
 * which objects differ from the live ones (so a step sends only those).
 */
public record RolloutTarget(UnitWrites writes, StableDeployments stable, Hooks hooks,
                            UnaryOperator<List<RenderedObject>> changedOnly) {
    /** The rollout side of one connected cluster. */
    public static RolloutTarget of(ClusterConnection cluster) {
        return new RolloutTarget(cluster.writes(), cluster.stableDeployments(), cluster.hooks(),
                cluster.drift()::changed);
    }
}
