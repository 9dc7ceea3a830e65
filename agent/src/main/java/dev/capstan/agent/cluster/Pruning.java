package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import java.util.Collection;
import java.util.List;

/** Deleting what a unit no longer has, under the prune guards (unit labels, no Namespaces, opt-outs). */
public interface Pruning {
    /** Whether the live object at {@code key} exists and may be pruned for unit {@code chart/env}. */
    boolean mayPrune(ObjectKey key, String chart, String env);

    /** Deletes the leftovers of a unit that left the repository; what it deleted. */
    List<ObjectKey> pruneRemoved(String chart, String env, Collection<ObjectKey> leftovers);
}
