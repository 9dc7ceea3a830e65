package dev.capstan.agent.sync;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartException;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.git.FetchOutcome;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoContentException;
import dev.capstan.agent.repo.RepoTree;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile cycle: fetch the tracked branch, plan its units, and render + apply every unit that needs it. A unit
 * whose sources (capstan.yaml and its chart's tree) did not change since it last synced is carried to the new commit
 * without a render. A failing unit is recorded and skipped; it never stops the others. Blocking.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ResilientFetcher fetcher;
    private final Supplier<Capabilities> capabilities;
    private final ChartRenderer renderer;
    private final ServerSideApplier applier;
    private final StatusBoard board;
    private final Clock clock;
    private final Timer renderTimer;
    private final Timer cycleTimer;
    private final DriftReporter drift;
    private final ReleaseRecorder releases;
    private volatile java.util.List<Unit> lastUnits = java.util.List.of();

    public Reconciler(ResilientFetcher fetcher, Supplier<Capabilities> capabilities, ChartRenderer renderer,
                      ServerSideApplier applier, DriftReporter drift, ReleaseRecorder releases, StatusBoard board,
                      Clock clock, MeterRegistry metrics) {
        this.fetcher = fetcher;
        this.drift = drift;
        this.releases = releases;
        this.capabilities = capabilities;
        this.renderer = renderer;
        this.applier = applier;
        this.board = board;
        this.clock = clock;
        this.renderTimer = Timer.builder("capstan_render_seconds").description("Duration of one unit's render")
                .register(metrics);
        this.cycleTimer = Timer.builder("capstan_reconcile_cycle_seconds")
                .description("Duration of a whole cycle: fetch, plan, and every unit that needed work")
                .register(metrics);
    }

    public void reconcile() {
        cycleTimer.record(this::cycle);
    }

    private void cycle() {
        releases.loadOnce();
        try {
            Revision revision;
            switch (fetcher.fetch()) {
                case FetchOutcome.Failed failed -> {
                    // Keep serving the last state; only the repo status says the remote is failing.
                    board.record(board.repo().failed(failed.message(), failed.circuitOpen(), clock.instant()));
                    LOG.warn("git fetch failed: {}", failed.message());
                    // The cluster can drift while git is down: keep checking what was last deployed.
                    drift.report(lastUnits);
                    return;
                }
                case FetchOutcome.Fetched fetched -> revision = fetched.revision();
            }
            MDC.put("commit", revision.shortCommit());
            boolean newCommit = !board.repo().commit().equals(Optional.of(revision.commit()));
            board.record(board.repo().fetched(revision.commit(), clock.instant()));
            if (newCommit) {
                LOG.info("new commit {}", revision.commit());
            }
            Plan plan;
            try {
                plan = Planner.plan(revision.tree());
            } catch (ConfigException | RepoContentException e) {
                board.record(board.repo().notDeployable("commit " + revision.shortCommit() + " is not deployable: "
                        + e.getMessage()));
                if (newCommit) {
                    LOG.error("commit not deployable: {}", e.getMessage());
                }
                return;
            }
            board.retainOnly(plan.units().stream().map(Unit::id).collect(java.util.stream.Collectors.toSet()));
            for (Unit unit : plan.units()) {
                UnitOutcome last = board.units().get(unit.id());
                String source = source(revision.tree(), unit, capabilities.get());
                if (upToDate(last, revision.commit())) {
                    continue;
                }
                board.record(carriedForward(last, revision.commit(), source)
                        .orElseGet(() -> reconcileUnit(unit, revision, source)));
            }
            lastUnits = plan.units();
            drift.report(plan.units());
        } finally {
            MDC.clear();
            board.cycleDone();
        }
    }

    /**
     * Nothing to do for this commit: synced already, or its render failed (rendering is pure, so the same commit
     * fails the same way; a new commit is needed). Apply failures are retried: the cluster may have changed.
     */
    static boolean upToDate(UnitOutcome last, String commit) {
        if (last == null || !last.commit().equals(commit)) {
            return false;
        }
        return last instanceof UnitOutcome.Synced
                || last instanceof UnitOutcome.Failed failed && failed.stage() == UnitOutcome.Stage.RENDER;
    }

    /** The last outcome moved to a new commit that does not touch the unit's sources; empty if a render is due. */
    Optional<UnitOutcome> carriedForward(UnitOutcome last, String commit, String source) {
        if (last == null || source.isEmpty() || !source.equals(last.source())) {
            return Optional.empty();
        }
        return switch (last) {
            case UnitOutcome.Synced s -> Optional.of(new UnitOutcome.Synced(s.unit(), commit, clock.instant(),
                    source, s.objects(), s.digest()));
            case UnitOutcome.Failed f when f.stage() == UnitOutcome.Stage.RENDER -> Optional.of(
                    new UnitOutcome.Failed(f.unit(), commit, clock.instant(), source, f.stage(), f.message()));
            case UnitOutcome.Failed f -> Optional.empty();
        };
    }

    /**
     * capstan.yaml's blob id, the chart's tree id and the cluster's capabilities: together they decide what the unit
     * renders to.
     */
    static String source(RepoTree tree, Unit unit, Capabilities capabilities) {
        Optional<String> config = tree.contentId(RepoConfig.FILE);
        Optional<String> chart = tree.contentId(Planner.CHARTS_DIR + "/" + unit.chart());
        return config.isPresent() && chart.isPresent()
                ? config.get() + ":" + chart.get() + ":" + capabilities.fingerprint() : "";
    }

    private UnitOutcome reconcileUnit(Unit unit, Revision revision, String source) {
        MDC.put("chart", unit.chart());
        MDC.put("env", unit.env().name());
        try {
            DesiredState desired;
            dev.capstan.agent.chart.ChartMetadata metadata;
            try {
                dev.capstan.agent.chart.ChartFiles files = Planner.chartFiles(revision.tree(), unit.chart());
                metadata = ChartRenderer.readMetadata(files);
                desired = renderTimer.record(() -> renderer.render(new RenderRequest(files, unit.env().name(),
                        unit.env().namespace(), revision.commit(), 0, capabilities.get())));
            } catch (ChartException | RepoContentException e) {
                LOG.error("render failed: {}", e.getMessage());
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), source,
                        UnitOutcome.Stage.RENDER, e.getMessage());
            }
            board.record(unit.id(), desired);
            ApplyResult result = applier.apply(desired);
            return switch (result) {
                case ApplyResult.Applied applied -> {
                    releases.record(desired, metadata.version(), metadata.appVersion(),
                            dev.capstan.agent.release.Release.Status.DEPLOYED, "");
                    drift.awaitApplied(applied.versions());
                    LOG.info("applied {} objects, digest {}", applied.objects(), desired.digest().substring(0, 12));
                    yield new UnitOutcome.Synced(unit.id(), revision.commit(), clock.instant(), source,
                            applied.objects(), desired.digest());
                }
                case ApplyResult.Rejected rejected -> {
                    String message = rejected.object() + ": " + rejected.message();
                    LOG.error("apply rejected: {}", message);
                    releases.record(desired, metadata.version(), metadata.appVersion(),
                            dev.capstan.agent.release.Release.Status.FAILED, message);
                    yield new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), source,
                            UnitOutcome.Stage.APPLY, message);
                }
            };
        } catch (RuntimeException e) {
            // Anything unexpected (cluster unreachable...) fails this unit only.
            LOG.error("unit failed: {}", e.toString());
            return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), source,
                    UnitOutcome.Stage.APPLY, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            MDC.remove("chart");
            MDC.remove("env");
        }
    }
}
