package dev.capstan.agent.sync;

import dev.capstan.agent.cluster.WriteFence;

/**
 * Who reconciles and whether this agent knows where it stands: leadership is written by the elector, readiness once
 * by the first cycle (leader) or the first read of the records (standby).
 */
public final class AgentRole {
    /** Without HA, this agent; with HA, the Lease holder ({@code leader} says whether that is us). */
    public record Leadership(boolean ha, String identity, boolean leader, String currentLeader) {
    }

    private volatile Leadership leadership = new Leadership(false, "", true, "");
    private volatile boolean ready;
    private volatile Shards shards = Shards.single();

    /**
     * What every write to a cluster passes: with HA, this replica holds the Lease of the unit's shard and renewed it
     * in time; without, its one shard is always held.
     */
    public WriteFence fence() {
        return new WriteFence(unit -> shards.mayWrite(unit));
    }

    /** The shards units are spread over and the ones this replica holds (one, its own, without sharding). */
    public Shards shards() {
        return shards;
    }

    public void shards(Shards now) {
        shards = now;
    }

    public Leadership leadership() {
        return leadership;
    }

    public void leadership(Leadership now) {
        leadership = now;
    }

    /** Ready once one full cycle has run (or a standby has read the records), whatever the outcome. */
    public boolean ready() {
        return ready;
    }

    void nowReady() {
        ready = true;
    }
}
