package dev.capstan.agent.sync;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.rollout.RolloutController;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/** The reconcile side of the agent wired together: cycles, per-unit workers, operator actions. */
public final class SyncEngine {
    /** Units worked on at once; the rest queue. Each may hold a thread while it waits on a health gate. */
    static final int UNIT_PARALLELISM = 8;

    private final Reconciler reconciler;
    private final UnitActions actions;

    public SyncEngine(ResilientFetcher fetcher, Supplier<Capabilities> capabilities, ChartRenderer renderer,
                      ServerSideApplier applier, RolloutController rollouts, ReleaseStore store, DriftReporter drift,
                      StatusBoard board, Clock clock, MeterRegistry metrics) {
        ReleaseRecorder releases = new ReleaseRecorder(store, board);
        UnitSync unitSync = new UnitSync(capabilities, renderer, rollouts, applier, store, releases, board, clock,
                metrics);
        this.reconciler = new Reconciler(fetcher, capabilities, unitSync, drift, releases, board, clock, metrics,
                UNIT_PARALLELISM);
        this.actions = new UnitActions(reconciler, rollouts, releases, board, drift, clock);
    }

    /** One cycle: fetch, plan, hand the units to their workers. Blocking; never waits for a rollout. */
    public void reconcile() {
        reconciler.reconcile();
    }

    public UnitActions actions() {
        return actions;
    }

    /** Stops the unit workers, waiting at most {@code timeout} for rollouts under way. */
    public void stop(Duration timeout) {
        reconciler.stop(timeout);
    }
}
