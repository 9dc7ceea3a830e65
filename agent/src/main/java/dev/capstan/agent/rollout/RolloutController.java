package dev.capstan.agent.rollout;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.DriftChecker;
import dev.capstan.agent.cluster.Hooks;
import dev.capstan.agent.cluster.StableDeployments;
import dev.capstan.agent.cluster.UnitWrites;
import dev.capstan.agent.config.Check;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.model.Hook;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.observe.Tracing;
import dev.capstan.agent.release.NewRelease;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Rolls one unit's desired state out: dry-run everything, then each step (canaries, then full) with its health
 * gate, then delete the canaries and prune what the last good release had and this one does not. On a failed gate:
 * delete the canaries, re-apply the last good release's stored manifests (never from git), quarantine the failed
 * revision; after the full step the rollback is a new revision, gated too. Every transition is written to the
 * release records first, so an agent killed at any point resumes from them. Blocking; one unit at a time.
 */
public final class RolloutController {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);

    private final UnitWrites writes;
    private final Gate gate;
    private final ReleaseStore store;
    private final StableDeployments stable;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Timer rollbackTimer;
    private final Timer trafficBackTimer;

    private static final String TRANSIENT_FAILURE = "apply failed (the API server: ";
    private final Tracer tracer;
    private final Hooks hooks;
    private final UnaryOperator<List<RenderedObject>> changedOnly;

    /**
     * @param changedOnly of a list of objects, those whose live state differs (see
     *                    {@link DriftChecker#changed}): only they are sent
     */
    public RolloutController(RolloutTarget target, Gate gate, ReleaseStore store, Clock clock, MeterRegistry metrics,
                             Tracer tracer) {
        this.tracer = tracer;
        this.hooks = target.hooks();
        this.changedOnly = target.changedOnly();
        this.writes = target.writes();
        this.gate = gate;
        this.store = store;
        this.stable = target.stable();
        this.clock = clock;
        this.metrics = metrics;
        this.rollbackTimer = Timer.builder("capstan_rollback_seconds")
                .description("From a failed health gate to the last good release re-applied")
                .publishPercentiles(0.5, 0.99).register(metrics);
        this.trafficBackTimer = Timer.builder("capstan_traffic_back_seconds")
                .description("Blue-green: from a failed health gate after the switch to the Services selecting the "
                        + "old version again").publishPercentiles(0.5, 0.99).register(metrics);
        // Every series exists from the start: a dashboard or rule sees 0, not "no data".
        List.of("deployed", "rolled_back", "failed", "rejected").forEach(o -> metrics.counter(
                "capstan_rollouts_total", "outcome", o));
        List.of("automatic", "manual").forEach(k -> metrics.counter("capstan_rollbacks_total", "kind", k));
        List.of("applied", "rejected").forEach(r -> metrics.counter("capstan_objects_applied_total", "result", r));
    }

    public RolloutResult roll(RolloutRequest request) {
        String chart = request.desired().chart();
        String env = request.desired().env();
        Optional<Release> lastGood = lastGood(chart, env);
        List<RenderedObject> lastGoodObjects = lastGood.map(this::objectsOf).orElse(List.of());
        List<Step> steps;
        try {
            steps = RolloutPlanner.plan(request.env().rollout(), request.desired().objects(), lastGoodObjects,
                    stable);
        } catch (BlueGreenPlanner.Unswitchable e) {
            count("rejected");
            return new RolloutResult.Rejected(recordRejection(request, e.getMessage()), e.getMessage());
        }
        // Leftovers of a crash go; what this plan runs on stays (a blue-green rollout resumed after its switch
        // serves traffic from its green copies).
        java.util.Set<ObjectKey> planned = steps.stream().flatMap(s -> s.tracked().stream())
                .collect(java.util.stream.Collectors.toSet());
        writes.delete(writes.canaries(chart, env).stream().filter(k -> !planned.contains(k)).toList());
        return roll(new RolloutContext(request, steps, lastGood, lastGoodObjects));
    }

    private RolloutResult roll(RolloutContext context) {
        RolloutRequest request = context.request();
        List<Step> steps = context.steps();
        String chart = request.desired().chart();
        String env = request.desired().env();
        List<RenderedObject> everything = steps.stream().flatMap(s -> s.apply().stream()).distinct().toList();
        // Only what differs from the live state is sent: dry-run all of it first (all or nothing), then step by step.
        java.util.Set<RenderedObject> changed = new java.util.HashSet<>(changedOnly.apply(everything));
        List<RenderedObject> hooks = request.desired().hooks().stream().filter(Hook::runs).map(Hook::object)
                .toList();
        Optional<ApplyResult.Rejected> rejected = (changed.isEmpty() ? Optional.<ApplyResult.Rejected>empty()
                : writes.dryRun(everything.stream().filter(changed::contains).toList()))
                .or(() -> hooks.isEmpty() ? Optional.empty() : writes.admitHooks(hooks));
        if (rejected.isPresent()) {
            String message = rejected.get().object() + ": " + rejected.get().message();
            count("rejected");
            return new RolloutResult.Rejected(recordRejection(request, message), message);
        }
        Release release = request.resumed().or(() -> retryOfTransientFailure(request))
                .orElseGet(() -> store.create(request.draft(), Release.Status.PROGRESSING, steps.get(0).phase()));
        MDC.put("revision", String.valueOf(release.revision()));
        try {
            Map<ObjectKey, String> versions = Map.of();
            boolean upgrade = context.lastGood().isPresent();
            Hooks.Outcome preHooks = runHooks(request, upgrade ? Hook.Event.PRE_UPGRADE : Hook.Event.PRE_INSTALL);
            if (preHooks instanceof Hooks.Outcome.Interrupted) {
                return stoppedInHooks(release);
            }
            if (preHooks instanceof Hooks.Outcome.Failed failed) {
                return hookFailed(release, steps.get(0), failed.signals(), context);
            }
            for (Step step : resumeFrom(steps, request.resumed())) {
                writes.checkFence();
                if (!step.phase().equals(release.phase())) {
                    // A new record starts at its first step: one write fewer per rollout.
                    release = store.save(release.withPhase(step.phase(), clock.instant()));
                }
                request.observer().stepStarted(step.phase());
                List<RenderedObject> toSend = step.apply().stream()
                        .filter(o -> changed.contains(o) || step.resend().contains(o)).toList();
                LOG.info("rollout step {}: applying {} of {} objects (the rest are unchanged)", step.phase(),
                        toSend.size(), step.apply().size());
                ApplyResult applied = Tracing.span(tracer, "capstan.apply", phase(step),
                        () -> countApplied(writes.apply(toSend)));
                if (applied instanceof ApplyResult.Rejected r && r.transientFailure()) {
                    return applyFailed(release, step, r, context);
                }
                Release at = release;
                GateResult result = applied instanceof ApplyResult.Rejected r
                        ? new GateResult.Failed(Duration.ZERO, List.of(r.object() + ": " + r.message()))
                        : Tracing.span(tracer, "capstan.gate", phase(step), () -> gateOf(step, at,
                                versions(applied), request));
                gateMetric(result);
                if (result instanceof GateResult.Interrupted) {
                    LOG.warn("the agent is stopping during the gate of step {}: revision {} stays progressing there",
                            step.phase(), release.revision());
                    return new RolloutResult.Interrupted(release);
                }
                if (result instanceof GateResult.Superseded superseded) {
                    LOG.warn("commit {} changes the unit while step {} waits for its gate: revision {} ends here",
                            superseded.commit(), step.phase(), release.revision());
                    Release waiting = release;
                    return Tracing.span(tracer, "capstan.rollback", phase(step), () -> rollBack(waiting, step,
                            List.of("superseded by commit " + Commits.shortened(superseded.commit())), context,
                            Optional.of(superseded.commit())));
                }
                if (result instanceof GateResult.Failed failed) {
                    LOG.error("health gate of step {} failed: {}", step.phase(), failed.signals());
                    request.observer().gateFailed(step.phase(), failed.signals());
                    Release failing = release;
                    return Tracing.span(tracer, "capstan.rollback", phase(step), () -> rollBack(failing, step,
                            failed.signals(), context, Optional.empty()));
                }
                request.observer().gatePassed(step.phase(), result.took());
                versions = ((ApplyResult.Applied) applied).versions();
                LOG.info("health gate of step {} passed in {} ms", step.phase(), result.took().toMillis());
            }
            Hooks.Outcome postHooks = runHooks(request, upgrade ? Hook.Event.POST_UPGRADE
                    : Hook.Event.POST_INSTALL);
            if (postHooks instanceof Hooks.Outcome.Interrupted) {
                return stoppedInHooks(release);
            }
            if (postHooks instanceof Hooks.Outcome.Failed failed) {
                return hookFailed(release, steps.get(steps.size() - 1), failed.signals(), context);
            }
            writes.delete(writes.canaries(chart, env));
            List<ObjectKey> pruned = writes.prune(chart, env, keys(request.desired().objects()),
                    keys(context.lastGoodObjects()));
            if (!pruned.isEmpty()) {
                LOG.info("pruned {}", pruned);
            }
            release = store.deployed(release, "deployed " + request.desired().objects().size() + " objects"
                    + (pruned.isEmpty() ? "" : ", pruned " + pruned.size()));
            count("deployed");
            return new RolloutResult.Deployed(release, request.desired().objects().size(), versions);
        } finally {
            MDC.remove("revision");
        }
    }

    /**
     * A write the API server failed for reasons of its own (5xx, 429, no answer) even after retries: not the
     * commit's fault, so no quarantine and no incident. The unit is put back where it was (canaries removed, the last
     * good release re-applied, what this revision added pruned) and the revision ends failed; the unit is
     * {@code Failed} at APPLY with the server's message and the next cycle tries again.
     */
    private RolloutResult applyFailed(Release release, Step step, ApplyResult.Rejected rejected,
                                      RolloutContext context) {
        RolloutRequest request = context.request();
        Optional<Release> lastGood = context.lastGood();
        List<RenderedObject> lastGoodObjects = context.lastGoodObjects();
        String server = rejected.object() + ": " + rejected.message();
        LOG.error("apply failed, the API server did not take it: {}", server);
        leaveTheNewVersion(step, System.nanoTime(), request.env());
        writes.delete(writes.canaries(release.chart(), release.env()));
        String where = "nothing was deployed before";
        if (lastGood.isPresent()) {
            ApplyResult restored = writes.apply(lastGoodObjects);
            writes.prune(release.chart(), release.env(), keys(lastGoodObjects), keys(request.desired().objects()));
            where = restored instanceof ApplyResult.Applied ? "revision " + lastGood.get().revision()
                    + " is in place again" : "revision " + lastGood.get().revision() + " could not be re-applied "
                    + "either";
        }
        String message = TRANSIENT_FAILURE + server + "); " + where + "; tried again next cycle";
        count("failed");
        return new RolloutResult.Rejected(store.save(release.ended(Release.Status.FAILED, message, List.of(),
                clock.instant())), message);
    }

    /**
     * The steps still to go: all of them, or — for a revision an earlier agent left progressing — from the step its
     * record says it reached (that step again: it may have been cut off mid-apply or mid-gate), as Argo Rollouts
     * resumes at the step recorded in its status. The steps before it were applied and passed their gates.
     */
    static List<Step> resumeFrom(List<Step> steps, Optional<Release> resumed) {
        String reached = resumed.map(Release::phase).orElse("");
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).phase().equals(reached)) {
                if (i > 0) {
                    LOG.info("resuming at step {} (recorded), not at the first", reached);
                }
                return steps.subList(i, steps.size());
            }
        }
        return steps;
    }

    /**
     * The unit's latest revision when it is this same source's attempt that the API server failed transiently: the
     * retry goes on under its number (progressing again), so a server that stays down for a while does not fill the
     * history with one failed revision per cycle.
     */
    private Optional<Release> retryOfTransientFailure(RolloutRequest request) {
        List<Release> history = store.history(request.desired().chart(), request.desired().env());
        if (history.isEmpty()) {
            return Optional.empty();
        }
        Release latest = history.get(history.size() - 1);
        if (latest.status() != Release.Status.FAILED || !latest.source().equals(request.draft().source())
                || !latest.message().startsWith(TRANSIENT_FAILURE) || latest.hold() != Release.Hold.NONE) {
            return Optional.empty();
        }
        LOG.info("trying revision {} again (the API server failed it last time)", latest.revision());
        return Optional.of(store.save(latest.withStatus(Release.Status.PROGRESSING, clock.instant())));
    }

    /** Stopped (SIGTERM) while a hook ran: as in a gate, the revision stays progressing for the next agent. */
    private static RolloutResult stoppedInHooks(Release release) {
        LOG.warn("the agent is stopping during a hook: revision {} stays progressing", release.revision());
        return new RolloutResult.Interrupted(release);
    }

    /** The chart's hooks for {@code event}, each under the step timeout. */
    private Hooks.Outcome runHooks(RolloutRequest request, Hook.Event event) {
        if (request.desired().hooks().stream().noneMatch(h -> h.events().contains(event))) {
            return new Hooks.Outcome.Passed();
        }
        request.observer().stepStarted(event.helmName() + " hooks");
        return Tracing.span(tracer, "capstan.hooks", io.opentelemetry.api.common.Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("capstan.phase"), event.helmName()),
                () -> hooks.run(request.desired().hooks(), java.util.Set.of(event),
                        request.env().rollout().stepTimeout()));
    }

    /** A failed hook fails the revision as a failed health gate of {@code step} would: back to the last good. */
    private RolloutResult hookFailed(Release release, Step step, List<String> signals, RolloutContext context) {
        LOG.error("hook failed: {}", signals);
        context.request().observer().gateFailed(step.phase(), signals);
        return Tracing.span(tracer, "capstan.rollback", phase(step), () -> rollBack(release, step, signals,
                context, Optional.empty()));
    }

    /**
     * Finishes a rollback revision left {@code progressing} by an earlier agent: re-apply its stored manifests and
     * gate them.
     */
    public RolloutResult resumeRollback(Release rollback, Environment env) {
        writes.delete(writes.canaries(rollback.chart(), rollback.env()));
        List<RenderedObject> objects = objectsOf(rollback);
        return finishRollback(rollback, objects, versions(writes.apply(objects)), env);
    }

    /**
     * A manual rollback: re-applies revision {@code target}'s manifests as a new revision pinned to {@code
     * holdSource} (the unit's current source), so auto-sync leaves it until the source changes or it is resumed.
     */
    public RolloutResult rollbackTo(Release target, String by, String holdSource, Environment env) {
        String chart = target.chart();
        String unitEnv = target.env();
        List<RenderedObject> objects = objectsOf(target);
        Optional<Release> current = lastGood(chart, unitEnv);
        writes.delete(writes.canaries(chart, unitEnv));
        Optional<ApplyResult.Rejected> rejected = writes.dryRun(objects);
        String manifests = store.manifests(chart, unitEnv, target.revision()).orElseThrow();
        NewRelease draft = NewRelease.reapplying(target, manifests, holdSource,
                "manual rollback to revision " + target.revision(), by);
        if (rejected.isPresent()) {
            String message = rejected.get().object() + ": " + rejected.get().message();
            return new RolloutResult.Rejected(store.record(draft, Release.Status.FAILED, message), message);
        }
        Release rollback = store.save(store.create(draft, Release.Status.PROGRESSING)
                .withHold(Release.Hold.PINNED, clock.instant()));
        metrics.counter("capstan_rollbacks_total", "kind", "manual").increment();
        ApplyResult applied = writes.apply(objects);
        writes.prune(chart, unitEnv, keys(objects), current.map(r -> keys(objectsOf(r))).orElse(List.of()));
        return finishRollback(rollback, objects, versions(applied), env);
    }

    /**
     * Undoes what {@code step} switched and goes back to the last good release: after a failed gate (the revision is
     * failed and quarantined), or when {@code supersededBy} a newer commit (failed, not quarantined, no incident).
     */
    private RolloutResult rollBack(Release failing, Step step, List<String> signals, RolloutContext context,
                                   Optional<String> supersededBy) {
        List<RenderedObject> desired = context.request().desired().objects();
        Optional<Release> lastGood = context.lastGood();
        List<RenderedObject> lastGoodObjects = context.lastGoodObjects();
        Environment env = context.request().env();
        RolloutObserver observer = context.request().observer();
        long detected = System.nanoTime();
        leaveTheNewVersion(step, detected, env);
        writes.delete(writes.canaries(failing.chart(), failing.env()));
        String what = supersededBy.map(commit -> "superseded by commit " + Commits.shortened(commit) + " while step "
                + step.phase() + " waited for its gate").orElse("health gate of step " + step.phase() + " failed");
        Release.Hold hold = supersededBy.isPresent() ? Release.Hold.NONE : Release.Hold.QUARANTINED;
        if (lastGood.isEmpty()) {
            count(supersededBy.isPresent() ? "superseded" : "failed");
            Release failed = store.save(held(failing.ended(Release.Status.FAILED, what + "; no earlier good release "
                    + "to return to", signals, clock.instant()), hold));
            return supersededBy.<RolloutResult>map(commit -> new RolloutResult.Superseded(failed, Optional.empty(),
                    commit)).orElseGet(() -> new RolloutResult.RolledBack(failed, Optional.empty(), signals, false));
        }
        Release good = lastGood.get();
        // The rollback record comes first: an agent killed from here on finds it progressing and finishes it.
        Optional<Release> rollback = step.changesStable()
                ? Optional.of(store.create(NewRelease.reapplying(good,
                        store.manifests(good.chart(), good.env(), good.revision()).orElseThrow(), good.source(),
                        "rollback to revision " + good.revision() + " after revision " + failing.revision()
                        + (supersededBy.isPresent() ? " was superseded" : " failed"),
                        Release.Origin.BY_AUTOMATIC_ROLLBACK), Release.Status.PROGRESSING))
                : Optional.empty();
        Release failed = store.save(held(failing.ended(Release.Status.FAILED, what + "; "
                + step.undone(good.revision()), signals, clock.instant()), hold));
        ApplyResult reapplied = writes.apply(lastGoodObjects);
        writes.prune(failing.chart(), failing.env(), keys(lastGoodObjects), keys(desired));
        long nanos = System.nanoTime() - detected;
        rollbackTimer.record(Duration.ofNanos(nanos));
        metrics.counter("capstan_rollbacks_total", "kind", supersededBy.isPresent() ? "superseded" : "automatic")
                .increment();
        count(supersededBy.isPresent() ? "superseded" : "rolled_back");
        LOG.warn("rolled back to revision {} in {} ms ({})", good.revision(), nanos / 1_000_000,
                reapplied instanceof ApplyResult.Rejected r ? "re-apply rejected: " + r.message() : "re-applied");
        if (supersededBy.isEmpty()) {
            observer.rolledBack(good.revision());
        }
        Optional<Release> restored = Optional.empty();
        if (rollback.isPresent()) {
            RolloutResult finished = finishRollback(rollback.get(), lastGoodObjects, versions(reapplied), env);
            if (supersededBy.isEmpty()) {
                observer.recovery(finished.release().revision(), finished instanceof RolloutResult.Deployed);
            }
            restored = Optional.of(finished.release());
        }
        Optional<Release> back = restored;
        return supersededBy.<RolloutResult>map(commit -> new RolloutResult.Superseded(failed, back, commit))
                .orElseGet(() -> new RolloutResult.RolledBack(failed, back, signals, true));
    }

    private Release held(Release ended, Release.Hold hold) {
        return hold == Release.Hold.NONE ? ended : ended.withHold(hold, clock.instant());
    }

    /**
     * The gate of {@code step}: a hold watches the new version until its delay, counted from when the record entered
     * the step, has passed; the others wait until what they applied is healthy and the checks pass.
     */
    private GateResult gateOf(Step step, Release at, Map<ObjectKey, String> applied, RolloutRequest request) {
        Environment env = request.env();
        if (step instanceof Step.Hold hold) {
            Duration left = Duration.between(clock.instant(), at.updatedAt().plus(hold.delay()));
            LOG.info("holding the old version for {} s more, gating the new one", Math.max(0, left.toSeconds()));
            return gate.hold(step.gated(), env.checks(), env.rollout().stepTimeout(), left, request.supersession());
        }
        return gate.await(step.gated(), applied, env.checks(), env.rollout().stepTimeout(), request.supersession());
    }

    /**
     * Before a blue-green rollout that has not promoted yet is undone: the Services back on the old pods (one call
     * each; they never stopped running), then the new version's copies removed and waited for, so the rendered
     * Services the rollback re-applies cannot select a pod of the new version on its way out.
     */
    private void leaveTheNewVersion(Step step, long detected, Environment env) {
        if (!step.trafficBack().isEmpty()) {
            ApplyResult back = writes.apply(step.trafficBack());
            long nanos = System.nanoTime() - detected;
            trafficBackTimer.record(Duration.ofNanos(nanos));
            LOG.warn("traffic back on the old version in {} ms ({})", nanos / 1_000_000,
                    back instanceof ApplyResult.Rejected r ? "re-pointing rejected: " + r.message()
                            : step.trafficBack().size() + " Services re-pointed");
        }
        if (!step.changesStable() && !step.tracked().isEmpty()
                && !writes.retire(step.tracked(), env.rollout().stepTimeout())) {
            LOG.warn("the new version's copies {} were not gone within {} s", step.tracked(),
                    env.rollout().stepTimeout().toSeconds());
        }
    }

    private RolloutResult finishRollback(Release rollback, List<RenderedObject> objects,
                                         Map<ObjectKey, String> applied, Environment env) {
        GateResult result = gate.await(keys(objects), applied, List.<Check>of(), env.rollout().stepTimeout());
        gateMetric(result);
        if (result instanceof GateResult.Interrupted) {
            // Left progressing: the next agent finishes the rollback from the stored manifests.
            return new RolloutResult.Interrupted(rollback);
        }
        if (result instanceof GateResult.Failed failed) {
            LOG.error("rollback to revision {} is not healthy either: {}", rollback.rollbackTo(), failed.signals());
            Release ended = store.save(rollback.ended(Release.Status.FAILED, rollback.message()
                    + "; not healthy either", failed.signals(), clock.instant()));
            return new RolloutResult.RolledBack(ended, Optional.empty(), failed.signals(), true);
        }
        return new RolloutResult.Deployed(store.deployed(rollback, rollback.message()), objects.size(), Map.of());
    }

    /** A rejected change set gets one failed record per source and message, not one per retry. */
    private Release recordRejection(RolloutRequest request, String message) {
        if (request.resumed().isPresent()) {
            return store.save(request.resumed().get().ended(Release.Status.FAILED, message, List.of(),
                    clock.instant()));
        }
        List<Release> history = store.history(request.desired().chart(), request.desired().env());
        Release latest = history.isEmpty() ? null : history.get(history.size() - 1);
        if (latest != null && latest.status() == Release.Status.FAILED
                && latest.source().equals(request.draft().source()) && latest.message().equals(message)) {
            return latest;
        }
        return store.record(request.draft(), Release.Status.FAILED, message);
    }

    Optional<Release> lastGood(String chart, String env) {
        return store.history(chart, env).stream().filter(r -> r.status() == Release.Status.DEPLOYED)
                .max(Comparator.comparingInt(Release::revision));
    }

    private List<RenderedObject> objectsOf(Release release) {
        return store.manifests(release.chart(), release.env(), release.revision())
                .map(text -> StoredManifests.parse(release.chart(), text)).orElse(List.of());
    }

    /** The versions an apply left the objects at; none for a rejected one (the gate judges what is there). */
    private static Map<ObjectKey, String> versions(ApplyResult result) {
        return result instanceof ApplyResult.Applied applied ? applied.versions() : Map.of();
    }

    private static List<ObjectKey> keys(List<RenderedObject> objects) {
        return objects.stream().map(RenderedObject::key).toList();
    }

    private static io.opentelemetry.api.common.Attributes phase(Step step) {
        return io.opentelemetry.api.common.Attributes.of(
                io.opentelemetry.api.common.AttributeKey.stringKey("capstan.phase"), step.phase());
    }

    private ApplyResult countApplied(ApplyResult result) {
        switch (result) {
            case ApplyResult.Applied applied -> metrics.counter("capstan_objects_applied_total", "result", "applied")
                    .increment(applied.objects());
            case ApplyResult.Rejected rejected -> metrics.counter("capstan_objects_applied_total", "result",
                    "rejected").increment();
        }
        return result;
    }

    private void count(String outcome) {
        metrics.counter("capstan_rollouts_total", "outcome", outcome).increment();
    }

    private void gateMetric(GateResult result) {
        if (result instanceof GateResult.Interrupted) {
            return;
        }
        Timer.builder("capstan_health_gate_seconds").description("Health gates by result: how long each waited")
                .tag("result", switch (result) {
                    case GateResult.Passed p -> "passed";
                    case GateResult.Superseded s -> "superseded";
                    default -> "failed";
                })
                .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(30))
                .register(metrics).record(result.took());
    }
}
