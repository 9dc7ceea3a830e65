package dev.capstan.agent.sync;

import dev.capstan.agent.helmrepo.ChartSources;
import dev.capstan.agent.cluster.ClusterConnection;
import dev.capstan.agent.cluster.ClusterConnections;
import dev.capstan.agent.cluster.ReservedObjects;
import dev.capstan.agent.cluster.WritePolicy;
import dev.capstan.agent.config.AddressPolicy;
import dev.capstan.agent.config.AgentConfig;
import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.health.CheckRunner;
import dev.capstan.agent.kustomize.KustomizeProcess;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.IncidentStore;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.rollout.Gate;
import dev.capstan.agent.rollout.RolloutController;
import dev.capstan.agent.rollout.RolloutTarget;
import dev.capstan.agent.work.WorkSlots;
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
    /** Where the engine reports to: metrics, traces, alerts, incident records. */
    public record Observability(MeterRegistry metrics, Tracer tracer, Alerter alerter, IncidentStore incidents) {
    }

    /** Units at work at once (rendering, applying); units waiting in health gates do not count. */
    static final int UNIT_PARALLELISM = 8;

    private final CommitCycle cycle;
    private final UnitActions actions;
    private final ReleaseRecorder releases;
    private final IncidentRecorder incidents;
    private final StatusBoard board;
    private final ClusterTargets clusters;
    private final UnitRenderer unitRenderer;
    /** Shared by every cluster's gates and the unit workers: how many units work at once, wherever they deploy. */
    private final WorkSlots slots = new WorkSlots(UNIT_PARALLELISM);

    /**
     * @param connect connects the clusters environments deploy to; every write passes the board's
     *                {@link StatusBoard#fence() fence}
     */
    public SyncEngine(ResilientFetcher fetcher, ClusterConnections.Factory connect, AgentConfig config,
                      ReleaseStore store, StatusBoard board, Clock clock, Observability observability) {
        MeterRegistry metrics = observability.metrics();
        Gauge.builder("capstan_units_working", slots, WorkSlots::working)
                .description("Units at work now: rendering, comparing, applying (at most the work slots)")
                .register(metrics);
        Gauge.builder("capstan_units_waiting", slots, WorkSlots::waiting)
                .description("Units waiting now in a health gate or on a check, holding no work slot")
                .register(metrics);
        CheckRunner checks = new CheckRunner(AddressPolicy.allowing(config.checks().allow()));
        // The agent's own namespace (records, Lease, tokens) is reserved in its own cluster.
        ClusterConnections connections = connect.connect(name -> new WritePolicy(
                name.equals(ClusterTargets.DEFAULT) ? new ReservedObjects(store.namespace(),
                        config.releases().unitsMayDeployHere()) : ReservedObjects.none(), config.destinations()),
                new ClusterConnection.Settings(board.fence(), config.releases().install(), slots, clock));
        this.clusters = new ClusterTargets(connections, cluster -> rollouts(cluster, store, checks, metrics,
                observability.tracer(), clock));
        DriftReporter drift = new DriftReporter(clusters, board, clock, metrics, store);
        ReleaseRecorder releases = new ReleaseRecorder(store, board.unitStates());
        IncidentRecorder incidents = new IncidentRecorder(observability.incidents(), store,
                new ManifestDiff(new SecretMask()), board.incidentLog(), clock);
        this.releases = releases;
        this.incidents = incidents;
        this.board = board;
        this.unitRenderer = UnitRenderer.forInstall(config.releases().install(), KustomizeProcess.Settings
                .defaults().allowingRemote(config.kustomize().allowRemoteBases()),
                () -> ChartSources.of(config.charts(), config.chartCacheDir()));
        SyncServices services = new SyncServices(clusters, store, releases, incidents, board, clock,
                new SyncServices.Reporting(metrics, observability.tracer(), observability.alerter()));
        UnitWork unitWork = new UnitWork(services, unitRenderer, drift::awaitApplied, drift::rules);
        this.cycle = new CommitCycle(services, fetcher, unitWork, drift,
                new AlertTicker(observability.alerter(), board, clock), new RemovedUnits(clusters, store,
                        board.unitStates(), board.driftBoard(), clock), slots);
        this.actions = new UnitActions(cycle, clusters, releases, board, drift, clock);
        drift.healWith(new DriftHealer(clusters, store, observability.alerter(), metrics, clock));
        // A hand edit is seen (and healed) within a moment of the informer's event, not at the next poll.
        clusters.onLiveChange(cycle::liveChanged);
    }

    /** The rollouts to one cluster; records (and the Lease) live in the agent's own cluster only. */
    private RolloutController rollouts(ClusterConnection cluster, ReleaseStore store, CheckRunner checks,
                                       MeterRegistry metrics, Tracer tracer, Clock clock) {
        return new RolloutController(RolloutTarget.of(cluster), new Gate(cluster.health(), checks, metrics, slots),
                store, clock, metrics, tracer);
    }

    /** One cycle: fetch, plan, hand the units to their workers. Blocking; never waits for a rollout. */
    public void reconcile() {
        cycle.reconcile();
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
        cycle.stop(timeout);
        unitRenderer.close();
    }

    /** Closes every cluster's informers and the clients of the extra clusters. */
    @Override
    public void close() {
        clusters.close();
    }
}
