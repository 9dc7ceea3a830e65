package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.AppliedVersions;
import dev.capstan.agent.cluster.Applier;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ClusterConnection;
import dev.capstan.agent.cluster.ClusterConnections;
import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.DriftChecks;
import dev.capstan.agent.cluster.Hooks;
import dev.capstan.agent.cluster.Pruning;
import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.cluster.UnitWrites;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.rollout.MemoryCluster;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One cluster in memory for the loop's tests: the rollout tests' {@link MemoryCluster} behind every service the loop
 * asks a cluster for. An object differs from its live copy when it is not equal to it; hooks pass.
 */
final class MemoryConnection implements ClusterConnection {
    private final MemoryCluster cluster;
    /** The field manager the drift checks name as the one who changed a live object. */
    private volatile String changedBy = "";

    MemoryConnection(MemoryCluster cluster) {
        this.cluster = cluster;
    }

    /** From now on, live objects were changed by {@code manager} (as the API server's managed fields would say). */
    void changedBy(String manager) {
        changedBy = manager;
    }

    /** The clusters of a test: this one, as the agent's own ({@value ClusterConnections#DEFAULT}). */
    ClusterConnections alone() {
        MemoryConnection self = this;
        return new ClusterConnections() {
            @Override
            public ClusterConnection of(String name) {
                if (!name.equals(DEFAULT)) {
                    throw new ConfigException("cluster '" + name + "' is not in the agent config's clusters");
                }
                return self;
            }

            @Override
            public Set<String> names() {
                return Set.of(DEFAULT);
            }

            @Override
            public void onLiveChange(BiConsumer<String, String> listener) {
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String name() {
        return ClusterConnections.DEFAULT;
    }

    @Override
    public ClusterEndpoint endpoint() {
        return new ClusterEndpoint("memory://default", "a test", Optional.empty(), Optional.empty());
    }

    @Override
    public Supplier<Capabilities> capabilities() {
        return Capabilities::offlineDefault;
    }

    @Override
    public AppliedVersions live() {
        return (key, version, timeout) -> true;
    }

    @Override
    public Applier applier() {
        return objects -> {
            Optional<ApplyResult.Rejected> rejected = cluster.dryRun(objects);
            return rejected.isPresent() ? rejected.get() : cluster.apply(objects);
        };
    }

    @Override
    public Pruning pruning() {
        return new Pruning() {
            @Override
            public boolean mayPrune(ObjectKey key, String chart, String env) {
                synchronized (cluster) {
                    return cluster.live.containsKey(key);
                }
            }

            @Override
            public List<ObjectKey> pruneRemoved(String chart, String env, Collection<ObjectKey> leftovers) {
                cluster.delete(List.copyOf(leftovers));
                return List.copyOf(leftovers);
            }
        };
    }

    @Override
    public DriftChecks drift() {
        return new DriftChecks() {
            @Override
            public List<RenderedObject> changed(List<RenderedObject> objects) {
                synchronized (cluster) {
                    return objects.stream().filter(o -> !o.equals(cluster.live.get(o.key()))).toList();
                }
            }

            @Override
            public List<RenderedObject> changed(List<RenderedObject> objects, Predicate<ObjectVerdict> matters) {
                return changed(objects);
            }

            @Override
            public UnitDrift check(String unit, String commit, DesiredState desired) {
                List<ObjectVerdict> verdicts;
                synchronized (cluster) {
                    verdicts = desired.objects().stream().map(o -> {
                        RenderedObject live = cluster.live.get(o.key());
                        return live == null ? new ObjectVerdict.Missing(o.key()) : live.equals(o)
                                ? new ObjectVerdict.InSync(o.key())
                                : (ObjectVerdict) new ObjectVerdict.Modified(o.key(), List.of(new FieldChange("spec",
                                live.content().get("spec"), o.content().get("spec"))));
                    }).toList();
                }
                boolean inSync = verdicts.stream().allMatch(ObjectVerdict.InSync.class::isInstance);
                return new UnitDrift(unit, commit, Instant.now(), inSync ? UnitDrift.State.InSync
                        : UnitDrift.State.OutOfSync, "", verdicts, "");
            }

            @Override
            public String changedBy(ObjectKey key, List<String> paths) {
                return changedBy;
            }
        };
    }

    @Override
    public LiveHealth health() {
        return cluster;
    }

    @Override
    public UnitWrites writes() {
        return cluster;
    }

    @Override
    public Hooks hooks() {
        return (hooks, events, timeout) -> new Hooks.Outcome.Passed();
    }

    @Override
    public StableDeployments stableDeployments() {
        return key -> null;
    }

    @Override
    public void close() {
    }
}
