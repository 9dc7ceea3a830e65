package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Every write a rollout makes to the cluster: what the decision tree needs, and all it needs (a fake in tests). */
public interface UnitWrites {
    /** Server-side dry run of all the objects: the first rejection, or empty when the server takes them all. */
    Optional<ApplyResult.Rejected> dryRun(List<RenderedObject> objects);

    /**
     * Whether a release's hooks may run, checked with its dry run before anything is written: the same write policy
     * as its objects, and a hook replaces only its own earlier run. The first refusal, or empty.
     */
    Optional<ApplyResult.Rejected> admitHooks(List<RenderedObject> hooks);

    ApplyResult apply(List<RenderedObject> objects);

    /**
     * Throws {@link WriteFence.LeaseLost} unless this replica may still write for the unit at work: checked as each
     * step starts, even one with nothing to send, so a replica woken past its Lease goes no step further.
     */
    default void checkFence() {
    }

    int delete(List<ObjectKey> keys);

    /**
     * Deletes the objects and waits (at most {@code timeout}) until they and what they own are gone: a blue-green
     * rollout's green copies must have no pod left before the Services select by the rendered labels again.
     * Whether they went in time.
     */
    default boolean retire(List<ObjectKey> keys, Duration timeout) {
        delete(keys);
        return true;
    }

    /**
     * The unit's objects on a track of their own in the cluster — canary and green Deployments, preview Services —
     * left over by a rollout, or by a crash during one.
     */
    List<ObjectKey> canaries(String chart, String env);

    /** Deletes what {@code previous} had and {@code keep} has not, under the prune guards; what it deleted. */
    List<ObjectKey> prune(String chart, String env, Collection<ObjectKey> keep, Collection<ObjectKey> previous);

    /** The writes to a real cluster (see {@link ClusterUnitWrites}). */
    static UnitWrites of(ServerSideApplier applier, Pruner pruner, LiveState live) {
        return new ClusterUnitWrites(applier, pruner, live);
    }
}
