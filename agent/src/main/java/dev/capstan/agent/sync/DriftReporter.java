package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.AppliedVersions;
import dev.capstan.agent.cluster.DriftChecks;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.IgnoreRule;
import dev.capstan.agent.drift.DriftFilter;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.model.DesiredState;
import dev.capstan.agent.model.ObjectAssembly;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks drift of every unit after each cycle and publishes it (status board, metrics), leaving out what
 * {@code ignoreDifferences} says to; in {@code drift: heal} environments it corrects the drift first
 * ({@link DriftHealer}). Units whose render failed are Unknown with that reason. Objects just applied are awaited
 * in the informer caches first, so a fresh apply is not reported as drift. Blocking.
 */
public final class DriftReporter {
    private static final Logger LOG = LoggerFactory.getLogger(DriftReporter.class);
    private static final Duration APPLIED_VISIBLE_WITHIN = Duration.ofSeconds(5);

    private final ClusterTargets clusters;
    private final DriftBoard board;
    private final UnitStates unitStates;
    private final Clock clock;
    private final Timer timer;
    private final DriftGauges objects;
    private final ReleaseStore store;
    /** What a held unit holds: the objects of its deployed release, by unit and revision (read once). */
    private final Map<String, DesiredState> held = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile List<IgnoreRule> rules = List.of();
    private DriftHealer healer;

    public DriftReporter(ClusterTargets clusters, StatusBoard status, Clock clock, MeterRegistry metrics,
                         ReleaseStore store) {
        this.store = store;
        this.clusters = clusters;
        // Writes only the drift board; reads where units stand and what they hold.
        this.board = status.driftBoard();
        this.unitStates = status.unitStates();
        this.clock = clock;
        this.timer = Timer.builder("capstan_drift_seconds").description("Duration of a drift check of every unit")
                .register(metrics);
        this.objects = new DriftGauges(metrics);
    }

    /** The current capstan.yaml's {@code ignoreDifferences}. */
    void rules(List<IgnoreRule> ignoreDifferences) {
        this.rules = List.copyOf(ignoreDifferences);
    }

    List<IgnoreRule> rules() {
        return rules;
    }

    /** From now on, drift of units in {@code drift: heal} environments is corrected by {@code driftHealer}. */
    synchronized void healWith(DriftHealer driftHealer) {
        this.healer = driftHealer;
    }

    /** Waits (briefly) until the informers see what an apply just wrote. */
    void awaitApplied(String cluster, Map<ObjectKey, String> versions) {
        AppliedVersions live = clusters.of(cluster).live();
        versions.forEach((key, version) -> {
            if (!live.awaitVersion(key, version, APPLIED_VISIBLE_WITHIN)) {
                LOG.warn("{} not yet visible at resourceVersion {}", key, version);
            }
        });
    }

    /** Synchronized: the cycle and the unit workers report at the same time; the checker's caches are shared. */
    synchronized void report(List<Unit> units) {
        timer.record(() -> {
            for (Unit unit : units) {
                UnitOutcome outcome = unitStates.unit(unit.id());
                DesiredState state = board.desiredOf(unit.id());
                if (outcome instanceof UnitOutcome.Failed failed && failed.stage() != UnitOutcome.Stage.APPLY) {
                    board.record(UnitDrift.unknown(unit.id(), failed.commit(), clock.instant(),
                            "render failed: " + failed.message()));
                } else if (outcome instanceof UnitOutcome.Held hold
                        && holding(unit).orElse(null) instanceof DesiredState holds) {
                    // Measured (and healed) against what the unit holds, never against the commit it refused.
                    UnitDrift drift = checkAndHeal(unit, holds.commit(), holds, holds.digest());
                    board.record(drift.state() == UnitDrift.State.Unknown ? drift : new UnitDrift(drift.unit(),
                            drift.commit(), drift.checkedAt(), drift.state(), join("held at commit "
                            + Commits.shortened(holds.commit()) + " (" + hold.hold().label() + "); commit "
                            + Commits.shortened(hold.commit()) + " is not applied", drift.reason()), drift.objects(),
                            drift.diff()));
                } else if (state != null && outcome instanceof UnitOutcome.Synced) {
                    board.record(checkAndHeal(unit, outcome.commit(), state, state.digest()));
                } else if (state != null && outcome != null) {
                    board.record(check(unit, outcome.commit(), state));
                }
            }
        });
        publish(units);
    }

    /** The objects of the held unit's deployed release (the last good one, or the pinned one). */
    private java.util.Optional<DesiredState> holding(Unit unit) {
        List<Release> history = store.remembered(unit.id());
        java.util.Optional<Release> deployed = history.stream().filter(r -> r.status() == Release.Status.DEPLOYED)
                .reduce((a, b) -> b);
        if (deployed.isEmpty()) {
            return java.util.Optional.empty();
        }
        Release release = deployed.get();
        String key = unit.id() + "@" + release.revision();
        DesiredState known = held.get(key);
        if (known != null) {
            return java.util.Optional.of(known);
        }
        java.util.Optional<DesiredState> read = store.manifests(release.chart(), release.env(), release.revision())
                .map(text -> ObjectAssembly.desiredState(release.chart(), release.env(), release.commit(),
                        StoredManifests.parse(release.chart(), text)));
        read.ifPresent(state -> held.put(key, state));
        return read;
    }


    /**
     * The unit's drift; in a {@code drift: heal} environment, what drifted is corrected first and checked again.
     * Healing needs the unit's deployed release to be exactly {@code state} ({@code digest}): it never moves a unit
     * anywhere but where it is.
     */
    private UnitDrift checkAndHeal(Unit unit, String commit, DesiredState state, String digest) {
        UnitDrift drift = check(unit, commit, state);
        if (drift.state() != UnitDrift.State.OutOfSync || healer == null
                || unit.env().drift() != Environment.DriftMode.HEAL) {
            return drift;
        }
        java.util.Optional<Release> deployed = store.remembered(unit.id()).stream()
                .filter(r -> r.status() == Release.Status.DEPLOYED).reduce((a, b) -> b)
                .filter(r -> r.digest().equals(digest));
        if (deployed.isEmpty()) {
            return drift;
        }
        DriftHealer.Outcome healed = healer.heal(unit, drift, state, deployed.get());
        if (!healed.corrected().isEmpty()) {
            awaitApplied(unit.env().cluster(), healed.versions());
            drift = check(unit, commit, state);
        }
        String notes = String.join("; ", healed.notes());
        return new UnitDrift(drift.unit(), drift.commit(), drift.checkedAt(), drift.state(),
                join(drift.reason(), notes), drift.objects(), drift.diff());
    }

    private static String join(String first, String second) {
        return first.isEmpty() ? second : second.isEmpty() ? first : first + "; " + second;
    }

    private UnitDrift check(Unit unit, String commit, DesiredState state) {
        DriftChecks checker;
        try {
            checker = clusters.of(unit.env().cluster()).drift();
        } catch (ConfigException e) {
            return UnitDrift.unknown(unit.id(), commit, clock.instant(), e.getMessage());
        }
        String[] parts = unit.id().split("/", 2);
        return DriftFilter.apply(checker.check(unit.id(), commit, state), rules, parts[0],
                parts[1]);
    }

    /** The reported units' series; after a sweep of many, the series of units gone from the board are dropped. */
    private void publish(List<Unit> units) {
        for (Unit unit : units) {
            UnitDrift drift = board.driftOf(unit.id());
            if (drift != null) {
                objects.set(drift);
            }
        }
        if (units.size() > 1) {
            objects.retainOnly(board.checked());
        }
    }
}
