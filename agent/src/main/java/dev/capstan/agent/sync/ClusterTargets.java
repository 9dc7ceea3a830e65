package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.AppliedVersions;
import dev.capstan.agent.cluster.Applier;
import dev.capstan.agent.cluster.ClusterConnection;
import dev.capstan.agent.cluster.ClusterConnections;
import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.DriftChecks;
import dev.capstan.agent.cluster.Pruning;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.rollout.RolloutController;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The clusters environments deploy to (see {@link ClusterConnections}), each with the rollout controller that deploys
 * to it; release and incident records stay in the agent's own cluster. Built on first use.
 */
public final class ClusterTargets implements AutoCloseable {
    public static final String DEFAULT = ClusterConnections.DEFAULT;

    /** Everything that talks to one cluster, and the rollouts to it. */
    public record Target(ClusterConnection cluster, RolloutController rollouts) {
        public String name() {
            return cluster.name();
        }

        public Supplier<Capabilities> capabilities() {
            return cluster.capabilities();
        }

        public Applier applier() {
            return cluster.applier();
        }

        public AppliedVersions live() {
            return cluster.live();
        }

        public DriftChecks drift() {
            return cluster.drift();
        }

        public Pruning pruning() {
            return cluster.pruning();
        }
    }

    private final ClusterConnections connections;
    private final Function<ClusterConnection, RolloutController> rollouts;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();

    /** @param rollouts the rollout controller of a cluster, made once per cluster */
    public ClusterTargets(ClusterConnections connections, Function<ClusterConnection, RolloutController> rollouts) {
        this.connections = connections;
        this.rollouts = rollouts;
    }

    /** The named cluster; a name the agent config does not know is a configuration error of that environment. */
    public Target of(String name) {
        Target known = targets.get(name);
        if (known != null) {
            return known;
        }
        ClusterConnection cluster = connections.of(name);
        return targets.computeIfAbsent(name, n -> new Target(cluster, rollouts.apply(cluster)));
    }

    /** Where the named cluster's client talks to, for error messages. */
    public ClusterEndpoint endpoint(String name) {
        return connections.of(name).endpoint();
    }

    public Set<String> names() {
        return connections.names();
    }

    /** Told of every change to a unit's live object in any cluster, with the unit's chart and environment. */
    public void onLiveChange(BiConsumer<String, String> listener) {
        connections.onLiveChange(listener);
    }

    /** Closes the informers of every cluster and the clients of the extra ones (the caller owns its own). */
    @Override
    public void close() {
        connections.close();
    }
}
