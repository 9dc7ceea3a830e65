package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.ApplyResult;
import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.drift.FieldChange;
import dev.capstan.agent.drift.HealPolicy;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.observe.Alerter;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Corrects drift (environments with {@code drift: heal}): the objects of a unit's deployed release that were changed
 * or deleted in the cluster are re-applied, dry-run first, from the state the drift was measured against — the
 * deployed (or held) release, never a commit the unit refused. No new revision: each correction is written on the
 * deployed release (when, what, who had changed it), counted ({@code capstan_drift_corrections_total}) and logged.
 * An object that keeps coming back is left alone after a few corrections, with a medium alert naming the other field
 * manager ({@link HealPolicy}). Extra objects are never deleted. Blocking; called by the drift reporter only.
 */
final class DriftHealer {
    private static final Logger LOG = LoggerFactory.getLogger(DriftHealer.class);

    /** What one healing pass did: the corrections made and, for the objects left drifted, why. */
    record Outcome(List<Release.Correction> corrected, Map<ObjectKey, String> versions, List<String> notes) {
    }

    private final ClusterTargets clusters;
    private final ReleaseStore store;
    private final Alerter alerter;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final HealPolicy policy = new HealPolicy();
    private final Map<String, Integer> healedRevision = new java.util.HashMap<>();

    DriftHealer(ClusterTargets clusters, ReleaseStore store, Alerter alerter, MeterRegistry metrics, Clock clock) {
        this.clusters = clusters;
        this.store = store;
        this.alerter = alerter;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Heals what {@code drift} found modified or missing in {@code state}, on {@code release}. */
    Outcome heal(Unit unit, UnitDrift drift, DesiredState state, Release release) {
        try (var chart = org.slf4j.MDC.putCloseable("chart", unit.chart());
                var env = org.slf4j.MDC.putCloseable("env", unit.env().name());
                var commit = org.slf4j.MDC.putCloseable("commit", Commits.shortened(release.commit()))) {
            return WriteFence.forUnit(unit.id(), () -> healLogged(unit, drift, state, release));
        } catch (WriteFence.LeaseLost e) {
            LOG.warn("not healed: {}", e.getMessage());
            return new Outcome(List.of(), Map.of(), List.of());
        }
    }


    private Outcome healLogged(Unit unit, UnitDrift drift, DesiredState state, Release release) {
        String prefix = unit.id() + "|";
        if (!Integer.valueOf(release.revision()).equals(healedRevision.put(unit.id(), release.revision()))) {
            // Another revision: what was corrected before says nothing about this one.
            policy.forgetAll(prefix);
        }
        ClusterTargets.Target target = clusters.of(unit.env().cluster());
        Instant now = clock.instant();
        List<RenderedObject> toHeal = new ArrayList<>();
        List<Release.Correction> corrections = new ArrayList<>();
        List<String> correctedIds = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ObjectVerdict verdict : drift.objects()) {
            String id = prefix + verdict.key();
            if (verdict instanceof ObjectVerdict.InSync) {
                policy.forget(id);
                continue;
            }
            if (!(verdict instanceof ObjectVerdict.Modified) && !(verdict instanceof ObjectVerdict.Missing)) {
                continue;
            }
            Optional<RenderedObject> object = state.objects().stream().filter(o -> o.key().equals(verdict.key()))
                    .findFirst();
            if (object.isEmpty()) {
                continue;
            }
            String changedBy = target.drift().changedBy(verdict.key(), fields(verdict));
            String what = describe(verdict.key());
            switch (policy.decide(id, now)) {
                case HealPolicy.Heal heal -> {
                    toHeal.add(object.get());
                    corrections.add(new Release.Correction(now, what, fields(verdict), changedBy));
                    correctedIds.add(id);
                }
                case HealPolicy.Wait wait -> notes.add(what + ": corrected moments ago; next correction at "
                        + wait.until());
                case HealPolicy.GiveUp giveUp -> {
                    String who = changedBy.isEmpty() ? "something else" : changedBy;
                    String message = what + " keeps being changed by " + who + " (" + giveUp.corrections()
                            + " corrections in " + giveUp.within().toSeconds() + " s): healing of it stopped";
                    LOG.warn("{}", message);
                    alerter.driftFight(unit.id(), drift.commit(), message);
                    notes.add(message);
                }
                case HealPolicy.Abandoned abandoned -> notes.add(what + " keeps being changed by "
                        + (changedBy.isEmpty() ? "something else" : changedBy) + ": healing of it stopped");
            }
        }
        if (toHeal.isEmpty()) {
            return new Outcome(List.of(), Map.of(), notes);
        }
        return switch (target.applier().validateAndApply(toHeal)) {
            case ApplyResult.Applied applied -> {
                Release recorded = release;
                correctedIds.forEach(id -> policy.corrected(id, now));
                for (Release.Correction correction : corrections) {
                    recorded = recorded.withCorrection(correction);
                    LOG.info("corrected drift of {} ({}){}", correction.object(), String.join(", ",
                            correction.fields()), correction.changedBy().isEmpty() ? ""
                            : ", changed by " + correction.changedBy());
                }
                store.save(recorded);
                metrics.counter("capstan_drift_corrections_total", "chart", unit.chart(), "env", unit.env().name())
                        .increment(corrections.size());
                yield new Outcome(corrections, applied.versions(), notes);
            }
            case ApplyResult.Rejected rejected -> {
                LOG.error("drift not corrected: {} refused: {}", rejected.object(), rejected.message());
                notes.add("not corrected: " + rejected.object() + ": " + rejected.message());
                yield new Outcome(List.of(), Map.of(), notes);
            }
        };
    }

    private static List<String> fields(ObjectVerdict verdict) {
        return verdict instanceof ObjectVerdict.Modified modified
                ? modified.changes().stream().map(FieldChange::path).toList() : List.of("(deleted)");
    }

    static String describe(ObjectKey key) {
        return key.kind() + " " + (key.namespace().isEmpty() ? "" : key.namespace() + "/") + key.name();
    }
}
