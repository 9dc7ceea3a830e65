package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.DiscoveryCache;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.LiveState;
import dev.capstan.agent.cluster.Pruner;
import dev.capstan.agent.cluster.ReservedObjects;
import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.cluster.WritePolicy;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.cluster.LiveStableDeployments;
import dev.capstan.agent.cluster.WatchedHealth;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.health.AddressPolicy;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.IncidentStore;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.rollout.Gate;
import dev.capstan.agent.rollout.HookRunner;
import dev.capstan.agent.rollout.RolloutController;
import dev.capstan.agent.rollout.UnitWrites;
import dev.capstan.agent.rollout.WorkSlots;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;

/**
 * The reconcile side of the agent, wired in one place: the clusters (each one's applier, informers, drift checker,
 * health and rollout controller, built on first use), the cycle, the unit work and its slots, drift reporting and
 * healing, records and incidents, operator actions. The agent around it owns only the process: HTTP, the event loop,
 * the git source, the election.
 */
public final class SyncEngine implements AutoCloseable {
    /** Where the engine reports to: traces, alerts, incident records. */
    public record Observability(Tracer tracer, Alerter alerter, IncidentStore incidents) {
    }

    /** Units at work at once (rendering, applying); units waiting in health gates do not count. */
    static final int UNIT_PARALLELISM = 8;

    private final Reconciler reconciler;
    private final UnitActions actions;
    private final ReleaseRecorder releases;
    private final IncidentRecorder incidents;
    private final StatusBoard board;
    private final ClusterTargets clusters;
    private final UnitRenderer unitRenderer;
    /** Shared by every cluster's gates and the unit scheduler: how many units work at once, wherever they deploy. */
    private final WorkSlots slots = new WorkSlots(UNIT_PARALLELISM);

    /** @param fence what every write to a cluster passes: this replica holds the unit's Lease, freshly renewed */
    public SyncEngine(ResilientFetcher fetcher, KubernetesClient client, AgentConfig config, ReleaseStore store,
                      StatusBoard board, Clock clock, MeterRegistry metrics, Observability observability,
                      WriteFence fence) {
        Gauge.builder("capstan_units_working", slots, WorkSlots::working)
                .description("Units at work now: rendering, comparing, applying (at most the work slots)")
                .register(metrics);
        Gauge.builder("capstan_units_waiting", slots, WorkSlots::waiting)
                .description("Units waiting now in a health gate or on a check, holding no work slot")
                .register(metrics);
        CheckRunner checks = new CheckRunner(AddressPolicy.allowing(config.checks().allow()));
        this.clusters = new ClusterTargets(client, config.clusters(), metrics, (name, clusterClient, live) ->
                target(name, clusterClient, live, store, checks, config, fence, metrics, observability.tracer(),
                        clock), config.releases().install());
        DriftReporter drift = new DriftReporter(clusters, board, clock, metrics, store);
        ReleaseRecorder releases = new ReleaseRecorder(store, board.histories(), board.unitStates());
        IncidentRecorder incidents = new IncidentRecorder(observability.incidents(), store,
                new ManifestDiff(new SecretMask()), board.incidentLog(), clock);
        this.releases = releases;
        this.incidents = incidents;
        this.board = board;
        this.unitRenderer = UnitRenderer.forInstall(config.releases().install());
        UnitSync unitSync = new UnitSync(clusters, unitRenderer, store, releases, board, clock, metrics,
                observability.tracer(), observability.alerter(), incidents, drift::awaitApplied, drift::rules);
        this.reconciler = new Reconciler(fetcher, clusters, unitSync, drift, releases, board, clock, metrics,
                observability.tracer(), new AlertTicker(observability.alerter(), board, clock),
                incidents, new RemovedUnits(clusters, store, releases, board.histories(),
                        board.unitStates(), board.driftBoard(), clock), slots);
        this.actions = new UnitActions(reconciler, clusters, releases, board, drift, clock);
        drift.healWith(new DriftHealer(clusters, store, releases::refresh, observability.alerter(), metrics, clock));
        // A hand edit is seen (and healed) within a moment of the informer's event, not at the next poll.
        clusters.onLiveChange(reconciler::liveChanged);
    }

    /** Everything that talks to one cluster; records (and the Lease) live in the agent's own cluster only. */
    private ClusterTargets.Target target(String name, KubernetesClient client, LiveState live, ReleaseStore store,
                                        CheckRunner checks, AgentConfig config, WriteFence fence,
                                        MeterRegistry metrics, Tracer tracer, Clock clock) {
        ServerSideApplier applier = new ServerSideApplier(client, live, new WritePolicy(
                name.equals(ClusterTargets.DEFAULT) ? new ReservedObjects(store.namespace(),
                        config.releases().unitsMayDeployHere()) : ReservedObjects.none(), config.destinations()),
                fence);
        Pruner pruner = new Pruner(client, fence, config.releases().install());
        DriftChecker drift = new DriftChecker(client, live, new SecretMask(), clock);
        applier.onApplied(drift::applied);
        WatchedHealth health = new WatchedHealth(client, live);
        RolloutController rollouts = new RolloutController(UnitWrites.of(applier, pruner, live),
                new Gate(health, checks, metrics, slots), store, new LiveStableDeployments(client, health), clock,
                metrics, tracer, new HookRunner(client, applier, slots), drift::changed);
        return new ClusterTargets.Target(name, client, new DiscoveryCache(client, Duration.ofMinutes(1), clock),
                applier, live, drift, rollouts, pruner, health);
    }

    /** One cycle: fetch, plan, hand the units to their workers. Blocking; never waits for a rollout. */
    public void reconcile() {
        reconciler.reconcile();
    }

    /** A standby's work: read the release and incident records the leader writes, so reads stay current. */
    public void refreshRecords() {
        releases.reloadAll();
        incidents.reloadAll();
        board.role().nowReady();
    }

    /**
     * Reads again the release records of units other replicas work on whose state changed (as their views say), and
     * the incidents: what a replica does every few seconds instead of reading every record.
     */
    public void refreshUnits(java.util.Set<String> unitIds) {
        if (!unitIds.isEmpty()) {
            releases.reloadUnits(unitIds);
            incidents.reloadAll();
        }
    }

    /** A sharded replica's reads of the units other replicas work on: their release and incident records. */
    public void refreshOthers(java.util.function.Predicate<String> mine) {
        releases.reloadOthers(mine);
        incidents.reloadAll();
    }

    public UnitActions actions() {
        return actions;
    }

    /** Stops the unit workers, waiting at most {@code timeout} for rollouts under way. */
    public void stop(Duration timeout) {
        reconciler.stop(timeout);
        unitRenderer.close();
    }

    /** Closes every cluster's informers and the clients of the extra clusters. */
    @Override
    public void close() {
        clusters.close();
    }
}
