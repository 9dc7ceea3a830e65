package dev.capstan.agent.sync;

import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.drift.ManifestDiff;
import dev.capstan.agent.drift.SecretMask;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.IncidentStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;

/** The reconcile side of the agent wired together: cycles, per-unit workers, operator actions. */
public final class SyncEngine {
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

    private final UnitRenderer unitRenderer;

    public SyncEngine(ResilientFetcher fetcher, ClusterTargets clusters, ChartRenderer renderer, ReleaseStore store,
                      DriftReporter drift, StatusBoard board, Clock clock, MeterRegistry metrics,
                      Observability observability) {
        ReleaseRecorder releases = new ReleaseRecorder(store, board);
        IncidentRecorder incidents = new IncidentRecorder(observability.incidents(), store,
                new ManifestDiff(new SecretMask()), board, clock);
        this.releases = releases;
        this.incidents = incidents;
        this.board = board;
        this.unitRenderer = new UnitRenderer(renderer);
        UnitSync unitSync = new UnitSync(clusters, unitRenderer, store, releases, board, clock, metrics,
                observability.tracer(), observability.alerter(), incidents, drift::awaitApplied, drift::rules);
        this.reconciler = new Reconciler(fetcher, clusters, unitSync, drift, releases, board, clock, metrics,
                observability.tracer(), new AlertTicker(observability.alerter(), board, clock),
                incidents, new RemovedUnits(clusters, store, releases, board, clock));
        this.actions = new UnitActions(reconciler, clusters, releases, board, drift, clock);
        drift.healWith(new DriftHealer(clusters, store, releases::refresh, observability.alerter(), metrics, clock));
        // A hand edit is seen (and healed) within a moment of the informer's event, not at the next poll.
        clusters.onLiveChange(reconciler::liveChanged);
    }

    /** One cycle: fetch, plan, hand the units to their workers. Blocking; never waits for a rollout. */
    public void reconcile() {
        reconciler.reconcile();
    }

    /** A standby's work: read the release and incident records the leader writes, so reads stay current. */
    public void refreshRecords() {
        releases.reloadAll();
        incidents.reloadAll();
        board.standbyReady();
    }

    public UnitActions actions() {
        return actions;
    }

    /** Stops the unit workers, waiting at most {@code timeout} for rollouts under way. */
    public void stop(Duration timeout) {
        reconciler.stop(timeout);
        unitRenderer.close();
    }
}
