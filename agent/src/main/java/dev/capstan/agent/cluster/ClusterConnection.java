package dev.capstan.agent.cluster;

import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.work.WorkSlots;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Everything that talks to one cluster, built around its client and informers — the applier, pruner, drift checker,
 * health watch, hook runner and the writes a rollout makes — as Strimzi's resource operator supplier hands out its
 * operators. The other rooms get these services, never the client.
 */
public final class ClusterConnection implements AutoCloseable {
    private final String name;
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final LiveState live;
    private final ServerSideApplier applier;
    private final Pruner pruner;
    private final DriftChecker drift;
    private final WatchedHealth health;
    private final Supplier<Capabilities> capabilities;
    private final UnitWrites writes;
    private final Hooks hooks;
    private final StableDeployments stableDeployments;

    /** How the services of every cluster are made: the same gate and fence for every writer. */
    public record Settings(WriteFence fence, String install, WorkSlots slots, Clock clock) {
    }

    ClusterConnection(String name, KubernetesClient client, boolean ownsClient, LiveState live, WritePolicy policy,
                      Settings settings) {
        this.name = name;
        this.client = client;
        this.ownsClient = ownsClient;
        this.live = live;
        this.applier = new ServerSideApplier(client, live, policy, settings.fence());
        this.pruner = new Pruner(client, settings.fence(), settings.install());
        this.drift = new DriftChecker(client, live, new SecretMask(), settings.clock());
        applier.onApplied(drift::applied);
        this.health = new WatchedHealth(client, live);
        this.capabilities = new DiscoveryCache(client, Duration.ofMinutes(1), settings.clock());
        this.writes = UnitWrites.of(applier, pruner, live);
        this.hooks = new HookRunner(client, applier, settings.slots());
        this.stableDeployments = new LiveStableDeployments(client, health);
    }

    /** The name {@code capstan.yaml} gives the cluster ({@code default}: the agent's own). */
    public String name() {
        return name;
    }

    /** Where the cluster's client talks to, for error messages. */
    public ClusterEndpoint endpoint() {
        return ClusterEndpoint.of(client);
    }

    public LiveState live() {
        return live;
    }

    public ServerSideApplier applier() {
        return applier;
    }

    public Pruner pruner() {
        return pruner;
    }

    public DriftChecker drift() {
        return drift;
    }

    public WatchedHealth health() {
        return health;
    }

    /** What the cluster serves, from discovery (asked again at most once a minute). */
    public Supplier<Capabilities> capabilities() {
        return capabilities;
    }

    /** Every write a rollout makes, through the applier's gate. */
    public UnitWrites writes() {
        return writes;
    }

    public Hooks hooks() {
        return hooks;
    }

    public StableDeployments stableDeployments() {
        return stableDeployments;
    }

    /** Stops the informers, and the client when this connection made it. */
    @Override
    public void close() {
        health.close();
        live.close();
        if (ownsClient) {
            client.close();
        }
    }
}
