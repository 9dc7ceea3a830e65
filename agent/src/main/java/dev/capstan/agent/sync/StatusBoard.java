package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.WriteFence;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.observe.Incident;
import dev.capstan.agent.release.Release;
import java.util.List;
import java.util.Map;

/**
 * The agent's current view, for the HTTP API, the alerts and the tests: one read-only face over views that each have
 * one writer ({@link UnitStates}, {@link DriftBoard}, {@link ReleaseHistories}, {@link IncidentLog},
 * {@link RepoBoard}, {@link AgentRole}, {@link OtherShardStates}). Each writer keeps only the views it writes or
 * reads, never the board.
 */
public record StatusBoard(UnitStates unitStates, DriftBoard driftBoard, ReleaseHistories histories,
                          IncidentLog incidentLog, RepoBoard repoBoard, AgentRole role, OtherShardStates otherShards) {
    public StatusBoard() {
        this(new UnitStates(), new DriftBoard(), new ReleaseHistories(), new IncidentLog(), new RepoBoard(),
                new AgentRole(), new OtherShardStates());
    }

    /**
     * What every write to a cluster passes: with HA, this replica holds the Lease of the unit's shard and renewed it
     * in time; without, its one shard is always held.
     */
    public WriteFence fence() {
        return new WriteFence(unit -> role().shards().mayWrite(unit));
    }

    /** Units sorted by id. */
    public Map<String, UnitOutcome> units() {
        return unitStates.all();
    }

    public UnitOutcome unit(String unitId) {
        return unitStates.unit(unitId);
    }

    /** The last drift check of each unit, sorted by unit id. */
    public Map<String, UnitDrift> drift() {
        return driftBoard.all();
    }

    /** Each unit's release history as last read from the cluster, oldest first; sorted by unit. */
    public Map<String, List<Release>> releases() {
        return histories.all();
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
