package dev.capstan.agent.sync;

import dev.capstan.agent.config.ConfigException;
import dev.capstan.agent.config.Environment;
import dev.capstan.agent.config.RepoConfig;
import dev.capstan.agent.git.FetchOutcome;
import dev.capstan.agent.git.ResilientFetcher;
import dev.capstan.agent.git.Revision;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.observe.Tracing;
import dev.capstan.agent.plan.Plan;
import dev.capstan.agent.plan.PlanMemo;
import dev.capstan.agent.plan.Planner;
import dev.capstan.agent.plan.Unit;
import dev.capstan.agent.repo.RepoContentException;
import dev.capstan.agent.repo.RepoTree;
import dev.capstan.agent.work.WorkSlots;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One reconcile cycle: fetch the tracked branch, plan its units and hand them to the {@link UnitWorkers}, which
 * works on each unit on its own (render, roll out) in environment order. A unit whose sources did not change is
 * carried to the new commit without a render; a held unit stays held. The cycle itself never waits for a rollout.
 * Blocking.
 */
public final class CommitCycle implements UnitWorkers.Work {
    private static final Logger LOG = LoggerFactory.getLogger(CommitCycle.class);

    private final ResilientFetcher fetcher;
    private final ClusterTargets clusters;
    private final UnitWork unitWork;
    private final UnitStates units;
    private final RepoBoard repo;
    private final DriftBoard driftBoard;
    private final AgentRole role;
    private final Clock clock;
    private final Timer cycleTimer;
    private final DriftReporter drift;
    private final ReleaseRecorder releases;
    private final UnitWorkers workers;
    private volatile Plan lastPlan;
    private volatile Revision lastRevision;
    private volatile Map<String, String> lastSources = Map.of();
    /** What the last cycle worked out from its plan, reused while commits plan to the same plan. */
    private Plan lastEverything;
    private java.util.SortedSet<Integer> lastHeld = new java.util.TreeSet<>();
    private java.util.Set<String> lastShownBesidesPlan = java.util.Set.of();
    private Map<String, String> lastCapabilities = Map.of();
    private Map<String, List<String>> lastContentPaths = Map.of();
    /** The sources of the previous offer: what the next one compares with to put changed units first. */
    private Map<String, String> lastOffered = Map.of();
    /** How long informer events of one unit are gathered before its drift is checked. */
    private static final Duration NUDGE_DELAY = Duration.ofMillis(100);
    private final java.util.concurrent.ScheduledExecutorService nudges =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual()
                    .name("capstan-drift-nudge").factory());
    private final java.util.Set<String> nudged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ExecutorService sweeps = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofVirtual().name("capstan-drift-sweep").factory());
    private final java.util.concurrent.atomic.AtomicBoolean sweepQueued = new java.util.concurrent.atomic
            .AtomicBoolean();
    private volatile boolean swept;
    private volatile Map<String, Unit> previousOf = Map.of();
    private volatile Map<String, List<String>> nextOf = Map.of();
    private final OtherShardStates otherShards;
    private final PlanMemo planMemo = PlanMemo.remembering();

    private final Tracer tracer;
    private final AlertTicker alerts;
    private final IncidentRecorder incidents;
    private final RemovedUnits removed;

    CommitCycle(SyncServices services, ResilientFetcher fetcher, UnitWork unitWork, DriftReporter drift,
               AlertTicker alerts, RemovedUnits removed, WorkSlots slots) {
        this.removed = removed;
        this.tracer = services.tracer();
        this.alerts = alerts;
        this.incidents = services.incidents();
        this.fetcher = fetcher;
        this.clusters = services.clusters();
        this.unitWork = unitWork;
        this.drift = drift;
        this.releases = services.releases();
        // Writes the repository's state, where units stand, readiness; forgets removed units' drift.
        StatusBoard status = services.board();
        this.units = status.unitStates();
        this.repo = status.repoBoard();
        this.driftBoard = status.driftBoard();
        this.role = status.role();
        this.otherShards = status.otherShards();
        this.clock = services.clock();
        this.cycleTimer = Timer.builder("capstan_reconcile_cycle_seconds")
                .description("Duration of a cycle: fetch, plan, and handing the units to their workers")
                .register(services.metrics());
        this.workers = new UnitWorkers(slots, this, unit -> {
            drift.report(List.of(unit));
            alerts.tick(unit.id());
        });
    }

    public void reconcile() {
        cycleTimer.record(() -> Tracing.span(tracer, "capstan.reconcile", Attributes.empty(), this::cycle));
    }

    private void cycle() {
        releases.loadOnce();
        incidents.loadOnce();
        try {
            Revision revision;
            long started = System.nanoTime();
            switch (Tracing.span(tracer, "capstan.fetch", Attributes.empty(), fetcher::fetch)) {
                case FetchOutcome.Failed failed -> {
                    // Keep serving the last state; only the repo status says the remote is failing.
                    repo.record(repo.status().failed(failed.message(), failed.circuitOpen(), clock.instant()));
                    LOG.warn("git fetch failed: {}", failed.message());
                    // The cluster can drift while git is down: keep checking what was last deployed.
                    sweepDrift();
                    return;
                }
                case FetchOutcome.Fetched fetched -> revision = fetched.revision();
            }
            MDC.put("commit", revision.shortCommit());
            boolean newCommit = !repo.status().commit().equals(Optional.of(revision.commit()));
            Instant previousFetch = repo.status().lastFetch();
            Instant now = clock.instant();
            Instant webhook = repo.lastWebhook();
            repo.commitSeen(revision.commit(), new RepoBoard.CommitArrival(now,
                    webhook.isAfter(previousFetch) ? Optional.of(webhook) : Optional.empty()));
            repo.record(repo.status().fetched(revision.commit(), now));
            long fetched = System.nanoTime();
            if (newCommit) {
                LOG.info("new commit {} (fetched in {} ms)", revision.commit(), (fetched - started) / 1_000_000);
            }
            Plan everything;
            try {
                everything = Planner.plan(revision.tree(), planMemo);
            } catch (ConfigException | RepoContentException e) {
                repo.record(repo.status().notDeployable("commit " + revision.shortCommit() + " is not deployable: "
                        + e.getMessage()));
                if (newCommit) {
                    LOG.error("commit not deployable: {}", e.getMessage());
                }
                return;
            }
            long plannedAt = System.nanoTime();
            // Sharded: this replica works on the units of the shards it holds, and only those. A commit planned to
            // the same plan (it changed files inside units only) reuses what was worked out from the plan.
            Shards shards = role.shards();
            java.util.SortedSet<Integer> held = shards.held();
            boolean samePlan = everything == lastEverything && held.equals(lastHeld) && lastPlan != null;
            Plan plan;
            if (samePlan) {
                plan = lastPlan;
            } else {
                shards.environments(everything.config().environments().stream().collect(Collectors.toMap(
                        Environment::name, Environment::cluster)));
                plan = everything.onlyUnits(shards::owns);
            }
            java.util.Set<String> removedNow = removed.reconcile(everything, revision.commit(), shards::owns);
            java.util.Set<String> shown = new java.util.HashSet<>(removedNow);
            for (Map.Entry<String, String> refused : plan.refusedCharts().entrySet()) {
                for (Environment env : plan.config().environments()) {
                    String id = refused.getKey() + "/" + env.name();
                    if (!shards.owns(id)) {
                        continue;
                    }
                    shown.add(id);
                    units.record(new UnitOutcome.Failed(id, revision.commit(), now, "", UnitOutcome.Stage.RENDER,
                            refused.getValue()));
                }
                if (newCommit) {
                    LOG.error("{}", refused.getValue());
                }
            }
            if (!samePlan || !shown.equals(lastShownBesidesPlan)) {
                lastShownBesidesPlan = java.util.Set.copyOf(shown);
                plan.units().forEach(unit -> shown.add(unit.id()));
                units.retainOnly(shown);
                driftBoard.retainOnly(shown);
            }
            Map<String, String> capabilitiesOf = new HashMap<>();
            plan.config().environments().forEach(env -> capabilitiesOf.computeIfAbsent(env.cluster(),
                    c -> capabilities(c).fingerprint()));
            Revision before = lastRevision;
            Optional<java.util.Set<String>> changedPaths = samePlan && capabilitiesOf.equals(lastCapabilities)
                    && before != null ? revision.tree().changedSince(before.tree()) : Optional.empty();
            Map<String, String> environmentIds = new HashMap<>();
            Map<String, String> sources = new HashMap<>(changedPaths.isPresent() ? lastSources : Map.of());
            Map<String, List<String>> pathsOf = new HashMap<>();
            for (Unit unit : plan.units()) {
                List<String> contentPaths = unitWork.contentPaths(unit);
                pathsOf.put(unit.id(), contentPaths);
                // A kustomization's paths are what its last build read: a source worked out from others is redone.
                if (changedPaths.isEmpty() || !contentPaths.equals(lastContentPaths.get(unit.id()))
                        || touches(contentPaths, changedPaths.get())) {
                    sources.put(unit.id(), source(revision.tree(), environmentIds.computeIfAbsent(
                            unit.env().name(), name -> environmentId(unit.env())), contentPaths,
                            capabilitiesOf.get(unit.env().cluster())));
                }
            }
            lastEverything = everything;
            lastContentPaths = pathsOf;
            lastHeld = held;
            lastCapabilities = Map.copyOf(capabilitiesOf);
            if (!samePlan) {
                // From the whole commit's plan: by cluster, the previous environment may be another shard's.
                previousOf = previousEnvironments(everything);
                nextOf = nextEnvironments(previousOf);
            }
            lastPlan = plan;
            boolean rulesChanged = !drift.rules().equals(plan.config().ignoreDifferences());
            drift.rules(plan.config().ignoreDifferences());
            lastRevision = revision;
            lastSources = Map.copyOf(sources);
            long offeredAt = System.nanoTime();
            unitWork.planned(revision.commit(), lastSources);
            workers.offer(revision, changedFirst(plan.units(), lastSources, lastOffered), lastSources);
            lastOffered = lastSources;
            if (newCommit) {
                LOG.info("{} units planned in {} ms (plan {} ms, units {} ms, offer {} ms)", plan.units().size(),
                        millisSince(fetched), (plannedAt - fetched) / 1_000_000, (offeredAt - plannedAt) / 1_000_000,
                        millisSince(offeredAt));
            }
            // A new commit's changed units report their own drift once worked, and live changes are watched; every
            // unit is checked again at the next poll without a new commit, or now if what drift ignores changed.
            if (!newCommit || rulesChanged || !swept) {
                sweepDrift();
            }
        } finally {
            MDC.clear();
            role.nowReady();
        }
    }

    /**
     * Every unit's drift, then the alerts that depend on it. The first sweep runs within the cycle (readiness waits
     * for it); later ones run beside the loop, at most one queued, so that the next commit's fetch never waits for
     * a thousand units' drift checks.
     */
    private void sweepDrift() {
        if (!swept) {
            swept = true;
            sweepNow();
            return;
        }
        if (sweepQueued.compareAndSet(false, true)) {
            try {
                sweeps.execute(() -> {
                    sweepQueued.set(false);
                    Revision revision = lastRevision;
                    if (revision != null) {
                        MDC.put("commit", revision.shortCommit());
                    }
                    try {
                        sweepNow();
                    } finally {
                        MDC.clear();
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                sweepQueued.set(false);
            }
        }
    }

    private void sweepNow() {
        reportDrift();
        alerts.tick();
    }

    /** Drift of every unit not in the middle of a rollout (its canary and half-applied state are not drift). */
    private void reportDrift() {
        Plan plan = lastPlan;
        if (plan == null) {
            return;
        }
        drift.report(plan.units().stream().filter(u -> !workers.busy(u.id())
                && !(units.unit(u.id()) instanceof UnitOutcome.Progressing)).toList());
    }

    /** The cluster's capabilities; for a cluster the agent does not know, the offline default (the unit fails). */
    private Capabilities capabilities(String cluster) {
        try {
            return clusters.of(cluster).capabilities().get();
        } catch (ConfigException e) {
            return Capabilities.offlineDefault();
        }
    }

    @Override
    public boolean wanted(Unit unit, Revision revision, Map<String, String> sources) {
        String source = sources.getOrDefault(unit.id(), "");
        Optional<Unit> previous = previousEnvironment(unit);
        UnitDecision decision = UnitDecision.decide(unit.id(), revision.commit(), source,
                units.unit(unit.id()), previous.flatMap(p -> outcomeOf(p.id())), previous.isPresent(),
                clock.instant());
        return switch (decision) {
            case UnitDecision.Skip skip -> false;
            case UnitDecision.Carry carry -> {
                units.record(carry.outcome());
                if (!(carry.outcome() instanceof UnitOutcome.Held)) {
                    // A held unit's drift is of what it holds, not of the commit: it keeps its own.
                    driftBoard.carried(unit.id(), revision.commit());
                }
                yield false;
            }
            case UnitDecision.Wait wait -> {
                if (!(units.unit(unit.id()) instanceof UnitOutcome.Waiting w
                        && w.commit().equals(revision.commit()))) {
                    units.record(wait.outcome());
                }
                yield false;
            }
            case UnitDecision.Work work -> true;
        };
    }

    @Override
    public void run(Unit unit, Revision revision, Map<String, String> sources) {
        units.record(unitWork.sync(unit, revision, sources.getOrDefault(unit.id(), "")));
    }

    @Override
    public void failed(Unit unit, Throwable error) {
        Revision revision = lastRevision;
        units.record(new UnitOutcome.Failed(unit.id(), revision == null ? "" : revision.commit(), clock.instant(),
                lastSources.getOrDefault(unit.id(), ""), UnitOutcome.Stage.APPLY, "internal error ("
                + error.getClass().getSimpleName() + "); the agent keeps running and tries again next cycle"));
    }

    @Override
    public List<String> dependents(String unitId) {
        return nextOf.getOrDefault(unitId, List.of());
    }

    /** Where a unit stands: this replica's own, or as another shard's holder published it. */
    private Optional<UnitOutcome> outcomeOf(String unitId) {
        return role.shards().owns(unitId) ? Optional.ofNullable(units.unit(unitId)) : otherShards.unit(unitId);
    }

    /** The same chart in the environment before this one, in capstan.yaml's order. */
    private Optional<Unit> previousEnvironment(Unit unit) {
        return Optional.ofNullable(previousOf.get(unit.id()));
    }

    /** For each unit, the units whose previous environment it is. */
    static Map<String, List<String>> nextEnvironments(Map<String, Unit> previous) {
        Map<String, List<String>> next = new HashMap<>();
        previous.forEach((unit, before) -> next.computeIfAbsent(before.id(), id -> new java.util.ArrayList<>())
                .add(unit));
        return next;
    }

    /** For each unit, the same chart's unit in the previous environment; worked out once per plan. */
    static Map<String, Unit> previousEnvironments(Plan plan) {
        List<String> envs = plan.config().environments().stream().map(e -> e.name()).toList();
        Map<String, Unit> byId = new HashMap<>();
        plan.units().forEach(u -> byId.put(u.id(), u));
        Map<String, Unit> previous = new HashMap<>();
        for (Unit unit : plan.units()) {
            int index = envs.indexOf(unit.env().name());
            Unit before = index > 0 ? byId.get(unit.chart() + "/" + envs.get(index - 1)) : null;
            if (before != null) {
                previous.put(unit.id(), before);
            }
        }
        return Map.copyOf(previous);
    }

    /** The latest plan's unit, with its current source, for operator actions. */
    Optional<PlannedUnit> planned(String chart, String env) {
        Plan plan = lastPlan;
        if (plan == null) {
            return Optional.empty();
        }
        return plan.units().stream().filter(u -> u.chart().equals(chart) && u.env().name().equals(env)).findFirst()
                .map(u -> new PlannedUnit(u, lastSources.getOrDefault(u.id(), "")));
    }

    record PlannedUnit(Unit unit, String source) {
    }

    UnitWorkers workers() {
        return workers;
    }

    /** Offers the latest revision again (after an operator action changed what a unit needs). */
    void reoffer() {
        Revision revision = lastRevision;
        Plan plan = lastPlan;
        if (revision != null && plan != null) {
            workers.offer(revision, plan.units(), lastSources);
        }
    }

    void stop(Duration timeout) {
        nudges.shutdownNow();
        sweeps.shutdownNow();
        workers.stop(timeout);
    }

    /**
     * A live object of {@code chart}/{@code env} changed in the cluster (an informer event): its drift is checked
     * (and healed) now rather than at the next poll — unless a rollout of it is under way. Events of one unit that
     * come together are handled once. Called on informer threads: it only schedules.
     */
    void liveChanged(String chart, String env) {
        String unit = chart + "/" + env;
        if (nudged.add(unit)) {
            try {
                nudges.schedule(() -> {
                    nudged.remove(unit);
                    planned(chart, env).map(PlannedUnit::unit).filter(u -> !workers.busy(u.id())
                            && !(units.unit(u.id()) instanceof UnitOutcome.Progressing))
                            .ifPresent(u -> drift.report(List.of(u)));
                }, NUDGE_DELAY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                nudged.remove(unit);
            }
        }
    }

    /**
     * What decides what the unit renders to and how it is rolled out: its environment's section of capstan.yaml (not
     * the whole file: adding a chart to {@code charts:} or changing production's rollout leaves staging's units
     * alone), the ids of the unit's content (a chart's tree; for a kustomization, of every path its last build
     * touched) and the cluster's capabilities. Empty when the commit has no capstan.yaml or the content is missing.
     */
    static String source(RepoTree tree, Environment env, List<String> contentPaths, String capabilities) {
        return source(tree, environmentId(env), contentPaths, capabilities);
    }

    /** As above, with the environment's id worked out once per cycle. */
    private static String source(RepoTree tree, String environmentId, List<String> contentPaths,
                                 String capabilities) {
        if (tree.contentId(RepoConfig.FILE).filter(id -> !id.equals("absent")).isEmpty()) {
            return "";
        }
        StringBuilder content = new StringBuilder();
        for (String path : contentPaths) {
            Optional<String> id = tree.contentId(path);
            if (id.isEmpty()) {
                return "";
            }
            content.append(contentPaths.size() == 1 ? "" : path + "=").append(id.get()).append('\n');
        }
        String ids = contentPaths.size() == 1 ? content.toString().strip() : digest(content.toString());
        return environmentId + ":" + ids + ":" + capabilities;
    }

    /**
     * Whether a commit that changed {@code changed} (file paths) changes the content ids of {@code contentPaths}: a
     * path's id changes exactly when a file at or under it does ("" is the whole repository).
     */
    static boolean touches(List<String> contentPaths, java.util.Set<String> changed) {
        for (String path : contentPaths) {
            if (path.isEmpty() && !changed.isEmpty()) {
                return true;
            }
            for (String file : changed) {
                if (file.equals(path) || file.length() > path.length() && file.charAt(path.length()) == '/'
                        && file.startsWith(path)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The units whose source changed since the last offer first (in plan order, so environments keep theirs), then
     * the rest: the workers look at units in this order, and a changed unit of 5,000 should not wait for 4,999
     * decisions that carry the others to the new commit.
     */
    static List<Unit> changedFirst(List<Unit> units, Map<String, String> sources, Map<String, String> before) {
        List<Unit> changed = new java.util.ArrayList<>();
        List<Unit> rest = new java.util.ArrayList<>();
        for (Unit unit : units) {
            (java.util.Objects.equals(sources.get(unit.id()), before.get(unit.id())) ? rest : changed).add(unit);
        }
        changed.addAll(rest);
        return changed;
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    /** An id of everything capstan.yaml says of one environment (its records print every field). */
    static String environmentId(Environment env) {
        return digest(env.toString()).substring(0, 12);
    }

    private static String digest(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).substring(0, 40);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
