package dev.capstan.agent.cluster;

import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.model.Capabilities;
import dev.capstan.agent.work.WorkSlots;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Everything that talks to one cluster — the applier, pruning, drift checks, health, hooks and the writes a rollout
 * makes — as Strimzi's resource operator supplier hands out its operators, and Flux's resource manager applies,
 * diffs, prunes and waits. The other rooms get these services, never a client; the loop's tests get them from
 * memory.
 */
public interface ClusterConnection extends AutoCloseable {
    /** How the services of every cluster are made: the same gate and fence for every writer. */
    record Settings(WriteFence fence, String install, WorkSlots slots, Clock clock) {
    }

    /** The name {@code capstan.yaml} gives the cluster ({@code default}: the agent's own). */
    String name();

    /** Where the cluster's client talks to, for error messages. */
    ClusterEndpoint endpoint();

    /** What the cluster serves, from discovery. */
    Supplier<Capabilities> capabilities();

    /** Whether what an apply wrote is visible to the cluster's watches yet. */
    AppliedVersions live();

    /** Applies outside a rollout (a re-sync, a drift correction), all or nothing, through the write gate. */
    Applier applier();

    Pruning pruning();

    DriftChecks drift();

    /** The health of applied objects, as the watches see it (what a rollout's gates read). */
    LiveHealth health();

    /** Every write a rollout makes, through the write gate. */
    UnitWrites writes();

    Hooks hooks();

    StableDeployments stableDeployments();

    /** Stops its watches (and its client, when it made one). */
    @Override
    void close();
}
