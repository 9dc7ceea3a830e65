package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.model.Commits;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import dev.capstan.agent.model.StoredManifests;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Units that have release records but left the repository (their chart directory or environment is gone, or
 * {@code charts:} no longer names them). Each is reported with the objects its last release left in the cluster,
 * in status and drift; with {@code removedUnits: prune} they are deleted, under the usual prune guards and never
 * when the commit has no units at all (an emptied or broken repository must not wipe a cluster). Once nothing is
 * left, its newest release becomes {@code uninstalled} and it is no longer reported. Blocking.
 */
final class RemovedUnits {
    private static final Logger LOG = LoggerFactory.getLogger(RemovedUnits.class);

    private final ClusterTargets clusters;
    private final ReleaseStore store;
    private final UnitStates units;
    private final DriftBoard drift;
    private final Clock clock;
    /** Leftovers of each removed unit, read from its stored manifests once. */
    private final Map<String, List<RenderedObject>> manifests = new java.util.concurrent.ConcurrentHashMap<>();

    RemovedUnits(ClusterTargets clusters, ReleaseStore store,
                 UnitStates units, DriftBoard drift, Clock clock) {
        this.clusters = clusters;
        this.store = store;
        this.units = units;
        this.drift = drift;
        this.clock = clock;
    }

    /**
     * Reports (and prunes, if so configured) every removed unit {@code mine} accepts by id (the shards this
     * replica holds; {@code plan} is the whole commit's, so another shard's unit is never taken for removed);
     * returns their ids.
     */
    Set<String> reconcile(Plan plan, String commit, java.util.function.Predicate<String> mine) {
        Set<String> planned = plannedIds(plan);
        Set<String> removed = new HashSet<>();
        // Only units no longer planned are looked at closely: each cycle of 5,000 units copied every history.
        List<String> gone = new ArrayList<>();
        if (!manifests.isEmpty()) {
            manifests.keySet().removeIf(planned::contains);
        }
        for (String unit : store.unitsRememberedOutside(planned)) {
            if (mine.test(unit)) {
                gone.add(unit);
            }
        }
        gone.sort(null);
        for (String unit : gone) {
            List<Release> history = store.remembered(unit);
            if (history.isEmpty() || history.get(history.size() - 1).status() == Release.Status.UNINSTALLED) {
                continue;
            }
            try {
                if (WriteFence.forUnit(unit, () -> handle(unit, history, plan, commit))) {
                    removed.add(unit);
                }
            } catch (RuntimeException e) {
                LOG.warn("removed unit {}: {}", unit, e.getMessage());
                removed.add(unit);
            }
        }
        return removed;
    }

    /** The ids of the last plan asked about: commits that change files inside units plan to the same instance. */
    private Planned lastPlanned = new Planned(null, Set.of());

    private record Planned(Plan plan, Set<String> ids) {
    }

    private Set<String> plannedIds(Plan plan) {
        Planned known = lastPlanned;
        if (known.plan() != plan) {
            Set<String> ids = new HashSet<>();
            plan.units().forEach(u -> ids.add(u.id()));
            known = new Planned(plan, ids);
            lastPlanned = known;
        }
        return known.ids();
    }

    /** True while the unit is still reported (objects left). */
    private boolean handle(String unitId, List<Release> history, Plan plan, String commit) {
        Release newest = history.get(history.size() - 1);
        String chart = newest.chart();
        String env = newest.env();
        Optional<Environment> environment = plan.config().environments().stream()
                .filter(e -> e.name().equals(env)).findFirst();
        ClusterTargets.Target target;
        try {
            target = clusters.of(environment.map(Environment::cluster).orElse(ClusterTargets.DEFAULT));
        } catch (ConfigException e) {
            units.record(new UnitOutcome.Removed(unitId, commit, clock.instant(), "", List.of(), false,
                    "removed from git; its cluster is unknown: " + e.getMessage()));
            return true;
        }
        List<RenderedObject> deployed = manifests.computeIfAbsent(unitId, id -> lastDeployed(history));
        List<ObjectKey> leftovers = new ArrayList<>();
        for (RenderedObject object : deployed) {
            if (target.pruning().mayPrune(object.key(), chart, env)) {
                leftovers.add(object.key());
            }
        }
        boolean prune = plan.config().removedUnits(env) == RepoConfig.RemovedUnits.PRUNE;
        String message;
        if (prune && !leftovers.isEmpty() && plan.units().isEmpty()) {
            message = "removed from git; not pruned: the commit has no units at all, which looks like a broken "
                    + "repository rather than an intent to delete everything";
        } else if (prune && !leftovers.isEmpty()) {
            List<ObjectKey> pruned = target.pruning().pruneRemoved(chart, env, leftovers);
            LOG.info("unit {} left the repository: pruned {} objects", unitId, pruned.size());
            leftovers.removeAll(pruned);
            message = "removed from git; pruned " + pruned.size() + " objects (removedUnits: prune)";
        } else {
            message = "removed from git; its objects stay in the cluster (capstan.yaml removedUnits: keep); delete "
                    + "them by hand or set removedUnits: prune";
        }
        if (leftovers.isEmpty()) {
            store.save(newest.ended(Release.Status.UNINSTALLED, "unit removed from git at " + Commits.shortened(commit)
                    + "; no object left in the cluster", List.of(), clock.instant()));
            manifests.remove(unitId);
            LOG.info("unit {} left the repository and nothing of it is left: uninstalled", unitId);
            return false;
        }
        List<String> shown = leftovers.stream().map(ObjectKey::toString).toList();
        units.record(new UnitOutcome.Removed(unitId, commit, clock.instant(), "", shown, prune, message));
        drift.record(new UnitDrift(unitId, commit, clock.instant(), UnitDrift.State.OutOfSync, message,
                leftovers.stream().<ObjectVerdict>map(ObjectVerdict.Extra::new).toList(), ""));
        return true;
    }

    /** The objects of the newest deployed revision (else of the newest revision: a first deploy that failed). */
    private List<RenderedObject> lastDeployed(List<Release> history) {
        Release chosen = history.stream().filter(r -> r.status() == Release.Status.DEPLOYED)
                .reduce((a, b) -> b).orElse(history.get(history.size() - 1));
        return store.manifests(chosen.chart(), chosen.env(), chosen.revision())
                .map(text -> StoredManifests.parse(chosen.chart(), text)).orElse(List.of());
    }

}
