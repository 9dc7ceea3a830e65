package dev.capstan.agent.sync;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.cluster.DiscoveryCache;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.KubernetesClients;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.Pruner;
import dev.capstan.agent.cluster.ReservedObjects;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.cluster.StableReplicas;
import dev.capstan.agent.cluster.WatchedHealth;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.rollout.Gate;
import dev.capstan.agent.rollout.RolloutController;
import dev.capstan.agent.rollout.WorkSlots;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
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

    private final Map<String, AgentConfig.Cluster> configured;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final ReleaseStore store;
    private final MeterRegistry metrics;
    private final Tracer tracer;
    private final Clock clock;
    private final CheckRunner checks;
    private final boolean unitsMayDeployInRecords;
    /** Shared by every cluster's gates and the unit scheduler: how many units work at once, wherever they deploy. */
    private final WorkSlots slots = new WorkSlots(SyncEngine.UNIT_PARALLELISM);
    private final java.util.List<java.util.function.BiConsumer<String, String>> liveListeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public ClusterTargets(KubernetesClient own, Map<String, AgentConfig.Cluster> configured, ReleaseStore store,
                          MeterRegistry metrics, Tracer tracer, Clock clock, CheckRunner checks,
                          boolean unitsMayDeployInRecords) {
        this.checks = checks;
        this.unitsMayDeployInRecords = unitsMayDeployInRecords;
        io.micrometer.core.instrument.Gauge.builder("capstan_units_working", slots, WorkSlots::working)
                .description("Units at work now: rendering, comparing, applying (at most the work slots)")
                .register(metrics);
        io.micrometer.core.instrument.Gauge.builder("capstan_units_waiting", slots, WorkSlots::waiting)
                .description("Units waiting now in a health gate or on a check, holding no work slot")
                .register(metrics);
        this.configured = Map.copyOf(configured);
        this.store = store;
        this.metrics = metrics;
        this.tracer = tracer;
        this.clock = clock;
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

    public java.util.Set<String> names() {
        java.util.Set<String> names = new java.util.HashSet<>(configured.keySet());
        names.add(DEFAULT);
        return names;
    }

    /** The work slots units take turns in (see {@link WorkSlots}). */
    WorkSlots slots() {
        return slots;
    }

    /** Told of every change to a unit's live object in any cluster, with the unit's chart and environment. */
    public synchronized void onLiveChange(java.util.function.BiConsumer<String, String> listener) {
        liveListeners.add(listener);
        targets.values().forEach(t -> t.live().onChange(listener));
    }

    private Target build(String name, KubernetesClient client) {
        LiveState live = new LiveState(client);
        liveListeners.forEach(live::onChange);
        // Records (and the Lease) live in the agent's own cluster only.
        ServerSideApplier applier = new ServerSideApplier(client, live, name.equals(DEFAULT)
                ? new ReservedObjects(store.namespace(), unitsMayDeployInRecords) : ReservedObjects.none());
        Pruner pruner = new Pruner(client);
        DriftChecker drift = new DriftChecker(client, live, new SecretMask(), clock);
        WatchedHealth health = new WatchedHealth(client, live);
        RolloutController rollouts = new RolloutController(applier, pruner,
                new Gate(health, checks, metrics, slots), store, new StableReplicas(client),
                clock, metrics, tracer, new dev.capstan.agent.rollout.HookRunner(client, applier), drift::changed);
        return new Target(name, client, new DiscoveryCache(client, Duration.ofMinutes(1), clock), applier, live,
                drift, rollouts, pruner, health);
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
