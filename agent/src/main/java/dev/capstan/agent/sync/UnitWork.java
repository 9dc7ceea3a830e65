package dev.capstan.agent.sync;

import dev.capstan.agent.chart.ChartMetadata;
import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.ClusterEndpoint;
import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.IgnoreRule;
import dev.capstan.agent.drift.DriftFilter;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.model.ChartException;
import dev.capstan.agent.model.ChartFetchFailure;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.EngineFailure;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.observe.Tracing;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.NewRelease;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.render.UnitRenderer;
import dev.capstan.agent.repo.RepoContentException;
import dev.capstan.agent.rollout.RolloutRequest;
import dev.capstan.agent.rollout.RolloutResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One unit's work at one commit: finish what an earlier agent left progressing, render, roll out, and say where the
 * unit stands. A failure of any kind ends as this unit's outcome and never reaches another unit. Blocking.
 */
final class UnitWork {
    private static final Logger LOG = LoggerFactory.getLogger(UnitWork.class);

    private final ClusterTargets clusters;
    private final UnitRenderer renderer;
    private final ReleaseStore store;
    private final UnitStates units;
    private final DriftBoard drift;
    private final RepoBoard repo;
    private final Clock clock;
    private final Timer renderTimer;
    private final MeterRegistry metrics;
    private final Tracer tracer;
    private final Alerter alerter;
    private final IncidentRecorder incidents;
    private final BiConsumer<String, Map<ObjectKey, String>> awaitApplied;
    private final java.util.function.Supplier<List<IgnoreRule>> ignoreRules;
    private final UnitSupersessions supersessions = new UnitSupersessions();

    /** The paths whose content decides the unit's render (see {@link UnitRenderer#contentPaths}). */
    List<String> contentPaths(Unit unit) {
        return renderer.contentPaths(unit);
    }

    /** A commit was planned: each rollout whose unit it gives another source ends its waiting gate. */
    void planned(String commit, Map<String, String> sources) {
        supersessions.planned(commit, sources);
    }

    /**
     * @param awaitApplied told of what a rollout applied (object → resourceVersion), so drift waits for it
     * @param ignoreRules  the drift ignore rules of the commit at work
     */
    UnitWork(SyncServices services, UnitRenderer renderer, BiConsumer<String, Map<ObjectKey, String>> awaitApplied,
             java.util.function.Supplier<List<IgnoreRule>> ignoreRules) {
        this.awaitApplied = awaitApplied;
        this.ignoreRules = ignoreRules;
        this.metrics = services.metrics();
        this.tracer = services.tracer();
        this.alerter = services.alerter();
        this.incidents = services.incidents();
        this.clusters = services.clusters();
        this.renderer = renderer;
        this.store = services.store();
        // Writes where the unit stands and what it should look like; reads how its commit arrived.
        this.units = services.board().unitStates();
        this.drift = services.board().driftBoard();
        this.repo = services.board().repoBoard();
        this.clock = services.clock();
        this.renderTimer = Timer.builder("capstan_render_seconds").description("Duration of one unit's render")
                .register(metrics);
    }

    UnitOutcome sync(Unit unit, Revision revision, String source) {
        long start = System.nanoTime();
        try {
            return Tracing.span(tracer, "capstan.unit", Tracing.unit(unit.chart(), unit.env().name(),
                    revision.commit()), () -> syncTraced(unit, revision, source));
        } finally {
            Timer.builder("capstan_unit_reconcile_seconds").description("One unit's work at a commit: render, "
                    + "rollout with its gates, rollback").tags("chart", unit.chart(), "env", unit.env().name())
                    .register(metrics).record(java.time.Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private UnitOutcome syncTraced(Unit unit, Revision revision, String planned) {
        MDC.put("chart", unit.chart());
        MDC.put("env", unit.env().name());
        MDC.put("commit", revision.shortCommit());
        UnitOutcome previous = units.unit(unit.id());
        try {
            ClusterTargets.Target target = clusters.of(unit.env().cluster());
            Optional<Release> resumed = finishInterrupted(unit, planned, target);
            DesiredState desired;
            ChartMetadata metadata;
            Optional<DesiredState> deployedFromSource = resumed.isPresent() ? Optional.empty()
                    : deployedFrom(unit, planned, revision.commit());
            try {
                UnitRenderer.Rendered rendered = deployedFromSource.isPresent() ? null
                        : Tracing.span(tracer, "capstan.render", Attributes.empty(),
                                () -> renderTimer.record(() -> renderer.render(revision.tree(), unit,
                                        revision.commit(), 0, target.capabilities().get())));
                metadata = rendered == null ? null : rendered.metadata();
                desired = rendered == null ? deployedFromSource.get() : rendered.desired();
            } catch (EngineFailure e) {
                LOG.error("render failed, not by its chart: {}", e.getMessage());
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                        UnitOutcome.Stage.ENGINE, e.getMessage());
            } catch (ChartFetchFailure e) {
                LOG.error("render failed, its chart not fetched: {}", e.getMessage());
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                        UnitOutcome.Stage.RENDER, e.getMessage(), true);
            } catch (ChartException | RepoContentException e) {
                LOG.error("render failed: {}", e.getMessage());
                String read = sourceAsRead(unit, revision, planned, target);
                resumed.ifPresent(r -> store.save(r.ended(Release.Status.FAILED, "render failed: " + e.getMessage(),
                        List.of(), clock.instant())));
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), read,
                        UnitOutcome.Stage.RENDER, e.getMessage());
            }
            String source = deployedFromSource.isPresent() ? planned : sourceAsRead(unit, revision, planned, target);
            drift.desired(unit.id(), desired);
            Optional<Release> current = alreadyDeployed(unit, desired, resumed);
            if (current.isPresent()) {
                return adopt(unit, revision.commit(), source, desired, current.get(), target);
            }
            units.record(new UnitOutcome.Progressing(unit.id(), revision.commit(), clock.instant(), source,
                    "starting"));
            UnitTimeline timeline = timeline(unit, revision, source, desired);
            NewRelease draft = new NewRelease(unit.chart(), unit.env().name(), revision.commit(), metadata.version(),
                    metadata.appVersion(), desired.digest(), desired.manifest(), source, 0, "",
                    new Release.Origin(revision.info().author(), revision.info().message(), Release.Origin.BY_AGENT));
            RolloutResult result;
            try (UnitSupersessions.Watch watch = supersessions.watch(unit.id(), revision.commit(), source)) {
                result = target.rollouts().roll(new RolloutRequest(desired, draft, unit.env(), resumed, timeline,
                        watch.supersession()));
            }
            tell(unit, revision, result, timeline);
            return outcome(unit, revision.commit(), source, result, previous);
        } catch (ConfigException e) {
            // The environment names a cluster the agent does not know.
            LOG.error("environment {}: {}", unit.env().name(), e.getMessage());
            return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                    UnitOutcome.Stage.APPLY, "environment " + unit.env().name() + ": " + e.getMessage());
        } catch (WriteFence.LeaseLost e) {
            throw e; // not the unit's failure: another replica holds it now (UnitWorkers abandons it)
        } catch (RuntimeException e) {
            if (ClusterEndpoint.isClusterFailure(e)) {
                // The cluster did not answer or refused: say which cluster, and why in plain words.
                String message = clusters.endpoint(unit.env().cluster()).describe(e);
                LOG.error("unit failed: {}", message);
                return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                        UnitOutcome.Stage.APPLY, message);
            }
            // Anything unexpected fails this unit only; the next cycle tries again.
            LOG.error("unit failed: {}", e.toString());
            return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                    UnitOutcome.Stage.APPLY, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        } catch (StackOverflowError | OutOfMemoryError | LinkageError | AssertionError e) {
            // An Error must not leave the unit showing its last good state: it failed, and says so.
            LOG.error("unit failed with {}", e.getClass().getName());
            return new UnitOutcome.Failed(unit.id(), revision.commit(), clock.instant(), planned,
                    UnitOutcome.Stage.APPLY, "internal error (" + e.getClass().getSimpleName() + ") while working on "
                    + "the unit; the agent keeps running and tries again next cycle");
        } finally {
            MDC.remove("chart");
            MDC.remove("env");
            MDC.remove("commit");
        }
    }

    /**
     * The unit's source as its render read it: for a kustomization built for the first time since the agent started
     * (planned against the whole repository, not knowing which files it reads), the ids of what the build touched, so
     * that the next commit, planned the same way, finds the same source when none of those changed.
     */
    private String sourceAsRead(Unit unit, Revision revision, String planned, ClusterTargets.Target target) {
        if (unit.kind() != Unit.Kind.KUSTOMIZE || planned.isEmpty()) {
            return planned;
        }
        return CommitCycle.source(revision.tree(), unit.env(), renderer.contentPaths(unit),
                target.capabilities().get().fingerprint());
    }

    /**
     * Deals with revisions an earlier agent left {@code progressing}: a rollback is finished (it needs no git); a
     * forward rollout of this same source is continued under its own number (returned); one of another source is
     * closed as failed, since a newer commit replaces it.
     */
    private Optional<Release> finishInterrupted(Unit unit, String source, ClusterTargets.Target target) {
        List<Release> progressing = store.history(unit.chart(), unit.env().name()).stream()
                .filter(r -> r.status() == Release.Status.PROGRESSING).toList();
        if (progressing.isEmpty()) {
            return Optional.empty();
        }
        Release newest = progressing.get(progressing.size() - 1);
        for (Release older : progressing.subList(0, progressing.size() - 1)) {
            // Followed by another revision: it failed, and a rollback (the newest) was on its way.
            store.save(older.ended(Release.Status.FAILED, "interrupted by an agent restart; a rollback followed",
                    List.of(), clock.instant()).withHold(newest.rollbackTo() > 0 ? Release.Hold.QUARANTINED
                    : Release.Hold.NONE, clock.instant()));
        }
        if (newest.rollbackTo() > 0) {
            LOG.warn("finishing rollback revision {} left by an earlier agent", newest.revision());
            target.rollouts().resumeRollback(newest, unit.env());
            return Optional.empty();
        }
        if (newest.source().equals(source)) {
            LOG.warn("resuming revision {} left progressing by an earlier agent", newest.revision());
            return Optional.of(newest);
        }
        store.save(newest.ended(Release.Status.FAILED, "interrupted by an agent restart; superseded by a newer "
                + "commit", List.of(), clock.instant()));
        return Optional.empty();
    }

    /**
     * The desired state of the unit's deployed revision when it was rendered from exactly this source (chart files,
     * capstan.yaml and cluster capabilities): taken from its stored manifests, not rendered again. A render is pure,
     * except for charts that call random functions ({@code randAlphaNum}, {@code genCA}): those must not become a new
     * revision, or drift, every time the agent restarts. Rendering only when a source changes also bounds the work.
     */
    private Optional<DesiredState> deployedFrom(Unit unit, String source, String commit) {
        if (source.isEmpty()) {
            return Optional.empty();
        }
        List<Release> history = store.history(unit.chart(), unit.env().name());
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Release latest = history.get(history.size() - 1);
        if (latest.status() != Release.Status.DEPLOYED || !source.equals(latest.source())) {
            return Optional.empty();
        }
        // A rollback holds another revision's manifests (a manual one under the current source, as a pin): they are
        // this source's render only if the revision it returned to was rendered from this source too.
        if (latest.rollbackTo() > 0 && history.stream().noneMatch(r -> r.revision() == latest.rollbackTo()
                && source.equals(r.source()))) {
            return Optional.empty();
        }
        return store.manifests(unit.chart(), unit.env().name(), latest.revision()).map(text -> new DesiredState(
                unit.chart(), unit.env().name(), commit, StoredManifests.parse(unit.chart(), text), latest.digest()));
    }

    /**
     * The unit's deployed revision may already be exactly this render (after a restart, or a commit that changed
     * the chart only for another environment): no new revision then, only a re-apply, which also restores whatever
     * was changed or deleted meanwhile.
     */
    private Optional<Release> alreadyDeployed(Unit unit, DesiredState desired, Optional<Release> resumed) {
        if (resumed.isPresent()) {
            return Optional.empty();
        }
        List<Release> history = store.history(unit.chart(), unit.env().name());
        return history.isEmpty() ? Optional.empty() : Optional.of(history.get(history.size() - 1))
                .filter(r -> r.status() == Release.Status.DEPLOYED && r.digest().equals(desired.digest()));
    }

    private UnitOutcome adopt(Unit unit, String commit, String source, DesiredState desired, Release deployed,
                              ClusterTargets.Target target) {
        // Only what differs from the live state is written: an unchanged unit sends no write. A re-sync heals, so
        // it writes nothing where drift is only reported, and leaves alone what drift rules ignore.
        List<RenderedObject> changed = unit.env().drift()
                == Environment.DriftMode.REPORT ? missingOnly(target, desired)
                : target.drift().changed(desired.objects(), verdict -> !(verdict instanceof ObjectVerdict.Modified m)
                        || !DriftFilter.ignoresAll(m, ignoreRules.get(), unit.chart(),
                        unit.env().name()));
        return switch (target.applier().validateAndApply(changed)) {
            case ApplyResult.Applied applied -> {
                awaitApplied.accept(target.name(), applied.versions());
                LOG.info("revision {} is already deployed; re-applied the {} of {} objects that differed",
                        deployed.revision(), applied.objects(), desired.objects().size());
                yield new UnitOutcome.Synced(unit.id(), commit, clock.instant(), source, desired.objects().size(),
                        desired.digest(), deployed.revision());
            }
            case ApplyResult.Rejected rejected -> new UnitOutcome.Failed(unit.id(), commit, clock.instant(), source,
                    UnitOutcome.Stage.APPLY, rejected.object() + ": " + rejected.message());
        };
    }

    /** In a {@code drift: report} environment a re-sync only recreates what is gone. */
    private static List<RenderedObject> missingOnly(ClusterTargets.Target target,
                                                                            DesiredState desired) {
        return target.drift().changed(desired.objects(), ObjectVerdict.Missing.class::isInstance);
    }

    /** The timeline so far: the commit's authoring, its arrival, the render. */
    private UnitTimeline timeline(Unit unit, Revision revision, String source, DesiredState desired) {
        UnitTimeline timeline = new UnitTimeline(clock, phase -> units.record(new UnitOutcome.Progressing(unit.id(),
                revision.commit(), clock.instant(), source, phase)));
        if (!revision.info().authoredAt().equals(java.time.Instant.EPOCH)) {
            timeline.add(revision.info().authoredAt(), "commit " + revision.shortCommit() + " authored by "
                    + revision.info().author() + ": " + revision.info().subject());
        }
        repo.arrival(revision.commit()).ifPresent(arrival -> {
            arrival.webhook().ifPresent(at -> timeline.add(at, "push webhook received"));
            timeline.add(arrival.fetched(), "commit fetched");
        });
        timeline.now("rendered " + desired.objects().size() + " objects (digest "
                + Commits.shortened(desired.digest()) + ")");
        return timeline;
    }

    /** Alerts and incidents for how the rollout ended. */
    private void tell(Unit unit, Revision revision, RolloutResult result, UnitTimeline timeline) {
        switch (result) {
            case RolloutResult.Deployed deployed -> {
                // The drift check that follows must see what was just applied, not the informers' older copy.
                awaitApplied.accept(unit.env().cluster(), deployed.versions());
                alerter.deployed(unit.id(), revision.commit(), deployed.release().revision());
            }
            case RolloutResult.RolledBack rolledBack -> {
                Incident incident = incidents.open(unit.id(), rolledBack, revision.info(), timeline);
                if (rolledBack.reverted()) {
                    alerter.rolledBack(unit.id(), revision.commit(), incident.impact(), rolledBack.signals(),
                            Optional.of(incident.id()));
                } else {
                    alerter.quarantined(unit.id(), revision.commit(), incident.impact(), rolledBack.signals(),
                            Optional.of(incident.id()));
                }
            }
            case RolloutResult.Rejected rejected -> { }
            case RolloutResult.Interrupted interrupted -> { }
            case RolloutResult.Superseded superseded -> { }
        }
    }

    private UnitOutcome outcome(Unit unit, String commit, String source, RolloutResult result,
                                UnitOutcome previous) {
        return switch (result) {
            case RolloutResult.Deployed deployed -> {
                LOG.info("revision {} deployed, {} objects", deployed.release().revision(), deployed.objects());
                yield new UnitOutcome.Synced(unit.id(), commit, clock.instant(), source, deployed.objects(),
                        deployed.release().digest(), deployed.release().revision());
            }
            case RolloutResult.RolledBack rolledBack -> new UnitOutcome.Held(unit.id(), commit, clock.instant(),
                    source, Release.Hold.QUARANTINED, rolledBack.release().revision(), rolledBack.release().message()
                    + ": " + String.join("; ", rolledBack.signals()));
            case RolloutResult.Superseded superseded -> new UnitOutcome.Progressing(unit.id(), commit,
                    clock.instant(), source, "revision " + superseded.release().revision() + " superseded by commit "
                    + Commits.shortened(superseded.commit()) + ", which starts now");
            case RolloutResult.Interrupted interrupted -> new UnitOutcome.Progressing(unit.id(), commit,
                    clock.instant(), source, interrupted.release().phase() + " (the agent is stopping; resumed at "
                    + "this step by the next one)");
            case RolloutResult.Rejected rejected -> {
                // Retried every cycle (the cluster may change); said once.
                if (previous instanceof UnitOutcome.Failed f
                        && f.message().equals(rejected.message())) {
                    LOG.debug("apply still rejected: {}", rejected.message());
                } else {
                    LOG.error("apply rejected: {}", rejected.message());
                }
                yield new UnitOutcome.Failed(unit.id(), commit, clock.instant(), source, UnitOutcome.Stage.APPLY,
                        rejected.message());
            }
        };
    }
}
