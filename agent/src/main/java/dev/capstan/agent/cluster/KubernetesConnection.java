package dev.capstan.agent.cluster;

import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;

/** A cluster reached with fabric8: every service built around its client and informers. */
final class KubernetesConnection implements ClusterConnection {
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
    private final Pruning pruning;

    KubernetesConnection(String name, KubernetesClient client, boolean ownsClient, LiveState live,
                         WritePolicy policy, Settings settings) {
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
        this.pruning = new Pruning() {
            @Override
            public boolean mayPrune(ObjectKey key, String chart, String env) {
                return pruner.mayPrune(live, key, chart, env);
            }

            @Override
            public List<ObjectKey> pruneRemoved(String chart, String env, Collection<ObjectKey> leftovers) {
                return pruner.pruneRemoved(chart, env, leftovers);
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ClusterEndpoint endpoint() {
        return ClusterEndpoint.of(client);
    }

    /** The informers' cache of the cluster (the live states of units' objects). */
    LiveState liveState() {
        return live;
    }

    @Override
    public AppliedVersions live() {
        return live;
    }

    @Override
    public Applier applier() {
        return applier;
    }

    @Override
    public Pruning pruning() {
        return pruning;
    }

    @Override
    public DriftChecks drift() {
        return drift;
    }

    @Override
    public LiveHealth health() {
        return health;
    }

    /** What the cluster serves, from discovery (asked again at most once a minute). */
    @Override
    public Supplier<Capabilities> capabilities() {
        return capabilities;
    }

    @Override
    public UnitWrites writes() {
        return writes;
    }

    @Override
    public Hooks hooks() {
        return hooks;
    }

    @Override
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
