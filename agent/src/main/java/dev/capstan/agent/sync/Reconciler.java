package dev.capstan.agent.sync;

import dev.capstan.agent.chart.Capabilities;
import dev.capstan.agent.chart.ChartException;
import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.chart.RenderRequest;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ServerSideApplier;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.git.GitSource;
import dev.capstan.agent.git.GitSourceException;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoContentException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile cycle: fetch the tracked branch, plan its units, and render + apply every unit whose last outcome is
 * not "synced at this commit". A failing unit is recorded and skipped; it never stops the others. Blocking.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final GitSource source;
    private final Supplier<Capabilities> capabilities;
    private final ChartRenderer renderer;
    private final ServerSideApplier applier;
    private final StatusBoard board;
    private final Clock clock;

    public Reconciler(GitSource source, Supplier<Capabilities> capabilities, ChartRenderer renderer,
                      ServerSideApplier applier, StatusBoard board, Clock clock) {
        this.source = source;
        this.capabilities = capabilities;
        this.renderer = renderer;
        this.applier = applier;
        this.board = board;
        this.clock = clock;
    }

    public void reconcile() {
        try {
            Revision revision;
            try {
                revision = source.fetch();
            } catch (GitSourceException e) {
                // Keep serving the last state; only the repo status says the remote is failing.
                board.record(new RepoStatus(board.repo().commit(), Optional.of(e.getMessage()), clock.instant()));
                LOG.warn("git fetch failed: {}", e.getMessage());
                return;
            }
            MDC.put("commit", revision.shortCommit());
            Plan plan;
            try {
                plan = Planner.plan(revision.tree());
            } catch (ConfigException | RepoContentException e) {
                board.record(new RepoStatus(Optional.of(revision.commit()), Optional.of(e.getMessage()),
                        clock.instant()));
                LOG.error("commit not deployable: {}", e.getMessage());
                return;
            }
            board.record(new RepoStatus(Optional.of(revision.commit()), Optional.empty(), clock.instant()));
            for (Unit unit : plan.units()) {
                if (upToDate(board.units().get(unit.id()), revision.commit())) {
                    continue;
                }
                board.record(reconcileUnit(unit, revision));
            }
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

    private UnitOutcome reconcileUnit(Unit unit, Revision revision) {
        MDC.put("chart", unit.chart());
        MDC.put("env", unit.env().name());
        try {
            DesiredState desired;
            try {
                desired = renderer.render(new RenderRequest(Planner.chartFiles(revision.tree(), unit.chart()),
                        unit.env().name(), unit.env().namespace(), revision.commit(), 0, capabilities.get()));
            } catch (ChartException | RepoContentException e) {
                LOG.error("render failed: {}", e.getMessage());
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(),
                        UnitOutcome.Stage.RENDER, e.getMessage());
            }
            ApplyResult result = applier.apply(desired);
            return switch (result) {
                case ApplyResult.Applied applied -> {
                    LOG.info("applied {} objects, digest {}", applied.objects(), desired.digest().substring(0, 12));
                    yield new UnitOutcome.Synced(unit.id(), revision.commit(), clock.instant(), applied.objects(),
                            desired.digest());
                }
                case ApplyResult.Rejected rejected -> {
                    String message = rejected.object() + ": " + rejected.message();
                    LOG.error("apply rejected: {}", message);
                    yield new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(),
                            UnitOutcome.Stage.APPLY, message);
                }
            };
        } catch (RuntimeException e) {
            // Anything unexpected (cluster unreachable...) fails this unit only.
            LOG.error("unit failed: {}", e.toString());
            return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), UnitOutcome.Stage.APPLY,
                    e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } finally {
            MDC.remove("chart");
            MDC.remove("env");
        }
    }
}
