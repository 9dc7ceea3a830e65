package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.release.ReleaseStore;
import java.util.List;
import java.util.Map;

/**
 * The agent's current view, for the HTTP API, the alerts and the tests: one read-only face over views that each have
 * one writer ({@link UnitStates}, {@link DriftBoard}, {@link IncidentLog}, {@link RepoBoard}, {@link AgentRole},
 * {@link OtherShardStates}), and the release histories the store remembers (the one copy of them). Each writer keeps
 * only the views it writes or reads, never the board.
 */
public record StatusBoard(UnitStates unitStates, DriftBoard driftBoard, ReleaseStore releaseStore,
                          IncidentLog incidentLog, RepoBoard repoBoard, AgentRole role, OtherShardStates otherShards) {
    /** The board of the replica whose role is {@code role} (its fence guards {@code store}'s writes). */
    public StatusBoard(AgentRole role, ReleaseStore store) {
        this(new UnitStates(), new DriftBoard(), store, new IncidentLog(), new RepoBoard(), role,
                new OtherShardStates());
    }

    /** What every write to a cluster passes (see {@link AgentRole#fence()}). */
    public WriteFence fence() {
        return role.fence();
    }

    /** Units sorted by id. */
    public Map<String, UnitOutcome> units() {
        return unitStates.all();
    }

    public UnitOutcome unit(String unitId) {
        return unitStates.unit(unitId);
    }

    /**
     * Grows whenever a unit's outcome is recorded or its drift changes: what was built from the board (a shard's
     * view) needs no rebuild while it stays the same.
     */
    public long changes() {
        return unitStates.changes() + driftBoard.changes();
    }

    /** One unit's last drift check, or null (no copy of the board). */
    public UnitDrift driftOf(String unitId) {
        return driftBoard.driftOf(unitId);
    }

    /** The last drift check of each unit, sorted by unit id. */
    public Map<String, UnitDrift> drift() {
        return driftBoard.all();
    }

    /** Each unit's release history as last read or written, oldest first; sorted by unit. */
    public Map<String, List<Release>> releases() {
        return releaseStore.remembered();
    }

    /** Incidents, oldest first. */
    public List<Incident> incidents() {
        return incidentLog.all();
    }

    public RepoStatus repo() {
        return repoBoard.status();
    }

    public AgentRole.Leadership leadership() {
        return role.leadership();
    }

    public boolean ready() {
        return role.ready();
    }
}
