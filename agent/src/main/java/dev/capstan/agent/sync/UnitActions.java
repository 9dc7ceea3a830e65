package dev.capstan.agent.sync;

import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import dev.capstan.agent.rollout.RolloutResult;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Operator actions on one unit: roll back to a stored revision and pin it, or resume auto-sync. Checks the request
 * at once against the in-memory state (unknown unit or revision, nothing to resume) and queues the work on the
 * unit's worker, so it never runs beside a rollout of the same unit. Never blocks: the event loop may call it.
 */
public final class UnitActions {
    private static final Logger LOG = LoggerFactory.getLogger(UnitActions.class);

    /** The answer to an action request. */
    public sealed interface Answer {
        record Accepted(String message) implements Answer {
        }

        /** {@code status}: 404 for an unknown unit or revision, 409 when the action does not apply now. */
        record Refused(int status, String message) implements Answer {
        }
    }

    private final CommitCycle cycle;
    private final ClusterTargets clusters;
    private final ReleaseRecorder releases;
    private final UnitStates units;
    private final ReleaseStore store;
    private final RepoBoard repo;
    private final DriftReporter drift;
    private final Clock clock;

    UnitActions(CommitCycle cycle, ClusterTargets clusters, ReleaseRecorder releases,
                StatusBoard status, DriftReporter drift, Clock clock) {
        this.cycle = cycle;
        this.clusters = clusters;
        this.releases = releases;
        // Writes where the unit stands; reads its history and the repository's commit.
        this.units = status.unitStates();
        this.store = status.releaseStore();
        this.repo = status.repoBoard();
        this.drift = drift;
        this.clock = clock;
    }

    /**
     * Rolls the unit back to {@code revision} (default: the newest good revision before the deployed one) and pins
     * it there until its source changes or it is resumed.
     */
    public Answer rollback(String chart, String env, Optional<Integer> revision, String by) {
        Optional<CommitCycle.PlannedUnit> planned = cycle.planned(chart, env);
        if (planned.isEmpty()) {
            return new Answer.Refused(404, "no unit " + chart + "/" + env + " in the tracked commit");
        }
        // The board's copy, refreshed after every rollout: the check answers at once; the work re-reads the records.
        List<Release> history = store.remembered(chart + "/" + env);
        Optional<Release> target = revision.isPresent()
                ? history.stream().filter(r -> r.revision() == revision.get()).findFirst()
                : previousGood(history);
        if (target.isEmpty()) {
            return revision.isPresent()
                    ? new Answer.Refused(404, "no revision " + revision.get() + " of " + chart + "/" + env
                    + " (kept: " + history.stream().map(r -> String.valueOf(r.revision())).toList() + ")")
                    : new Answer.Refused(409, "no earlier good revision of " + chart + "/" + env + " to roll back to");
        }
        if (target.get().status() == Release.Status.PROGRESSING) {
            return new Answer.Refused(409, "revision " + target.get().revision() + " is still progressing");
        }
        CommitCycle.PlannedUnit unit = planned.get();
        Release to = target.get();
        cycle.workers().act(unit.unit().id(), () -> {
            MDC.put("chart", chart);
            MDC.put("env", env);
            try {
                LOG.warn("manual rollback to revision {} (commit {})", to.revision(), to.commit());
                RolloutResult result = clusters.of(unit.unit().env().cluster()).rollouts().rollbackTo(to, by,
                        unit.source(), unit.unit().env());
                String commit = repo.status().commit().orElse(to.commit());
                units.record(switch (result) {
                    case RolloutResult.Rejected rejected -> new UnitOutcome.Failed(unit.unit().id(), commit,
                            clock.instant(), unit.source(), UnitOutcome.Stage.APPLY, rejected.message());
                    default -> new UnitOutcome.Held(unit.unit().id(), commit, clock.instant(), unit.source(),
                            Release.Hold.PINNED, result.release().revision(), result.release().message());
                });
                drift.report(List.of(unit.unit()));
            } finally {
                MDC.clear();
            }
        });
        return new Answer.Accepted("rolling " + chart + "/" + env + " back to revision " + to.revision()
                + " (commit " + to.commit() + "); pinned until a newer commit changes it or it is resumed");
    }

    /** Lifts a quarantine or pin: the unit is synced to the tracked commit again. */
    public Answer resume(String chart, String env) {
        Optional<CommitCycle.PlannedUnit> planned = cycle.planned(chart, env);
        if (planned.isEmpty()) {
            return new Answer.Refused(404, "no unit " + chart + "/" + env + " in the tracked commit");
        }
        String unitId = planned.get().unit().id();
        if (!(units.unit(unitId) instanceof UnitOutcome.Held held)) {
            return new Answer.Refused(409, unitId + " is not quarantined or pinned");
        }
        cycle.workers().act(unitId, () -> {
            releases.lift(chart, env);
            units.forget(unitId);
            LOG.info("{} resumed: {} lifted", unitId, held.hold().label());
            cycle.reoffer();
        });
        return new Answer.Accepted(unitId + ": " + held.hold().label() + " lifted; syncing to the tracked commit");
    }

    /** The newest revision that was good before the deployed one. */
    static Optional<Release> previousGood(List<Release> history) {
        int deployed = history.stream().filter(r -> r.status() == Release.Status.DEPLOYED)
                .mapToInt(Release::revision).max().orElse(Integer.MAX_VALUE);
        return history.stream().filter(r -> r.revision() < deployed)
                .filter(r -> r.status() == Release.Status.SUPERSEDED || r.status() == Release.Status.ROLLED_BACK)
                .max(Comparator.comparingInt(Release::revision));
    }
}
