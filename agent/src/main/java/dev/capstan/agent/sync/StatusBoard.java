package dev.capstan.agent.sync;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/** The agent's current view, written by the reconciler thread and read by the HTTP API. */
public final class StatusBoard {
    private final Map<String, UnitOutcome> units = new ConcurrentHashMap<>();
    private final Map<String, dev.capstan.agent.chart.DesiredState> desired = new ConcurrentHashMap<>();
    private final Map<String, dev.capstan.agent.drift.UnitDrift> drift = new ConcurrentHashMap<>();
    private final Map<String, java.util.List<dev.capstan.agent.release.Release>> releases = new ConcurrentHashMap<>();
    private final AtomicReference<RepoStatus> repo = new AtomicReference<>(RepoStatus.initial());
    private volatile boolean firstCycleDone;
    private volatile Leadership leadership = new Leadership(false, "", true, "");

    /**
     * Who reconciles: without HA, this agent; with HA, the Lease holder ({@code leader} says whether that is us).
     */
    public record Leadership(boolean ha, String identity, boolean leader, String currentLeader) {
    }

    public Leadership leadership() {
        return leadership;
    }

    public void leadership(Leadership now) {
        leadership = now;
    }

    /** A standby's reads are ready once it has read the records. */
    public void standbyReady() {
        firstCycleDone = true;
    }
    private final Map<String, dev.capstan.agent.observe.Incident> incidents = new ConcurrentHashMap<>();
    private final Map<String, CommitArrival> commitsSeen = new ConcurrentHashMap<>();
    private volatile java.time.Instant lastWebhook = java.time.Instant.EPOCH;

    void record(dev.capstan.agent.observe.Incident incident) {
        incidents.put(incident.id(), incident);
    }

    /** Incidents by id, oldest first. */
    public java.util.List<dev.capstan.agent.observe.Incident> incidents() {
        return incidents.values().stream().sorted(java.util.Comparator.comparing(
                dev.capstan.agent.observe.Incident::openedAt)).toList();
    }

    /** An accepted push webhook (the incident timeline's "push received"). */
    public void webhookReceived(java.time.Instant at) {
        lastWebhook = at;
    }

    java.time.Instant lastWebhook() {
        return lastWebhook;
    }

    /** How a commit arrived: when it was first fetched and, if a webhook announced it, when that came. */
    record CommitArrival(java.time.Instant fetched, java.util.Optional<java.time.Instant> webhook) {
    }

    /** Kept for the newest commits only. */
    void commitSeen(String commit, CommitArrival arrival) {
        if (commitsSeen.size() > 100) {
            commitsSeen.clear();
        }
        commitsSeen.putIfAbsent(commit, arrival);
    }

    java.util.Optional<CommitArrival> arrival(String commit) {
        return java.util.Optional.ofNullable(commitsSeen.get(commit));
    }

    void record(UnitOutcome outcome) {
        units.put(outcome.unit(), outcome);
    }

    void record(RepoStatus status) {
        repo.set(status);
    }

    /** Unit outcomes are written by the reconciler only; tests and the API read them. */

    void cycleDone() {
        firstCycleDone = true;
    }

    void record(String unit, dev.capstan.agent.chart.DesiredState state) {
        desired.put(unit, state);
    }

    void record(dev.capstan.agent.drift.UnitDrift unitDrift) {
        drift.put(unitDrift.unit(), unitDrift);
    }

    /** Forgets where a unit stands, so its next cycle starts it afresh (after a resume). */
    void forget(String unitId) {
        units.remove(unitId);
    }

    /** Forgets units that are no longer in the repository (a chart or environment removed from capstan.yaml). */
    void retainOnly(java.util.Set<String> unitIds) {
        units.keySet().retainAll(unitIds);
        desired.keySet().retainAll(unitIds);
        drift.keySet().retainAll(unitIds);
    }

    void record(String unit, java.util.List<dev.capstan.agent.release.Release> history) {
        releases.put(unit, java.util.List.copyOf(history));
    }

    /** One unit's release history as last read, oldest first (no copy of the whole board: asked per unit). */
    java.util.List<dev.capstan.agent.release.Release> releases(String unitId) {
        return releases.getOrDefault(unitId, java.util.List.of());
    }

    /** Each unit's release history as last read from the cluster, oldest first; sorted by unit. */
    public Map<String, java.util.List<dev.capstan.agent.release.Release>> releases() {
        return new TreeMap<>(releases);
    }

    /** The last rendered state of each unit (what drift compares against). */
    Map<String, dev.capstan.agent.chart.DesiredState> desired() {
        return new TreeMap<>(desired);
    }

    /** The last drift check of each unit, sorted by unit id. */
    public Map<String, dev.capstan.agent.drift.UnitDrift> drift() {
        return new TreeMap<>(drift);
    }

    /** Where one unit stands, if known (no copy of the whole board: the scheduler asks this per unit). */
    public UnitOutcome unit(String unitId) {
        return units.get(unitId);
    }

    /** Units sorted by id. */
    public Map<String, UnitOutcome> units() {
        return new TreeMap<>(units);
    }

    public RepoStatus repo() {
        return repo.get();
    }

    /** Ready once one full cycle has run, whatever its outcome: the agent then knows where it stands. */
    public boolean ready() {
        return firstCycleDone;
    }
}
