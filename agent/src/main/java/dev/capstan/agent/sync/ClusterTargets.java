package dev.capstan.agent.sync;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.KubernetesClients;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.Pruner;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.cluster.WatchedHealth;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.rollout.RolloutController;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The clusters environments deploy to, by the name {@code capstan.yaml} gives them ({@code cluster:}):
 * {@value #DEFAULT} is the agent's own (its {@code cluster} config), others come from the agent config's
 * {@code clusters} (a kubeconfig and context each). Each has its own client, informers, applier and rollout
 * controller; release and incident records stay in the agent's own cluster. Built on first use.
 */
public final class ClusterTargets implements AutoCloseable {
    public static final String DEFAULT = "default";

    /** Everything that talks to one cluster. */
    public record Target(String name, KubernetesClient client, Supplier<Capabilities> capabilities,
                         ServerSideApplier applier, LiveState live, DriftChecker drift, RolloutController rollouts,
                         Pruner pruner, WatchedHealth health) {
    }

    /** Builds everything that talks to one cluster, around its client and informers (see {@link SyncEngine}). */
    @FunctionalInterface
    public interface Wiring {
        Target build(String name, KubernetesClient client, LiveState live);
    }

    private final Map<String, AgentConfig.Cluster> configured;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final MeterRegistry metrics;
    private final Wiring wiring;
    /** The install whose units these clusters' live states follow. */
    private final String install;
    private final java.util.List<java.util.function.BiConsumer<String, String>> liveListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** @param install the install whose units' objects the live states follow (another install's are not theirs) */
    public ClusterTargets(KubernetesClient own, Map<String, AgentConfig.Cluster> configured, MeterRegistry metrics,
                          Wiring wiring, String install) {
        this.install = install;
        this.configured = Map.copyOf(configured);
        this.metrics = metrics;
        this.wiring = wiring;
        targets.put(DEFAULT, build(DEFAULT, own));
    }

    /** The named cluster; a name the agent config does not know is a configuration error of that environment. */
    public Target of(String name) {
        Target known = targets.get(name);
        if (known != null) {
            return known;
        }
        AgentConfig.Cluster cluster = configured.get(name);
        if (cluster == null) {
            throw new ConfigException("cluster '" + name + "' is not in the agent config's clusters (known: "
                    + new java.util.TreeSet<>(names()) + ")");
        }
        return targets.computeIfAbsent(name, n -> build(n, KubernetesClients.create(cluster,
                new dev.capstan.agent.cluster.RequestCounter(metrics, n))));
    }

    /** Where the named cluster's client talks to, for error messages. */
    public dev.capstan.agent.cluster.ClusterEndpoint endpoint(String name) {
        return dev.capstan.agent.cluster.ClusterEndpoint.of(of(name).client());
    }

    public java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.HashSet<>(configured.keySet());
        names.add(DEFAULT);
        return names;
    }

    /** Told of every change to a unit's live object in any cluster, with the unit's chart and environment. */
    public synchronized void onLiveChange(java.util.function.BiConsumer<String, String> listener) {
        liveListeners.add(listener);
        targets.values().forEach(t -> t.live().onChange(listener));
    }

    private Target build(String name, KubernetesClient client) {
        LiveState live = new LiveState(client, install);
        liveListeners.forEach(live::onChange);
        return wiring.build(name, client, live);
    }

    /** Closes the informers of every cluster and the clients of the extra ones (the caller owns its own). */
    @Override
    public void close() {
        targets.forEach((name, target) -> {
            target.health().close();
            target.live().close();
            if (!name.equals(DEFAULT)) {
                target.client().close();
            }
        });
    }
}
