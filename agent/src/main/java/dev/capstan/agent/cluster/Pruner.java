package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Deletes what a unit no longer renders, with the guards an operator expects: nothing when the new render is empty
 * (a broken template must not wipe an environment), never a Namespace, never an object annotated
 * {@value #PRUNE_ANNOTATION}{@code : disabled}, never an object the unit does not own (labels), never a canary
 * (the rollout removes those). Blocking.
 */
public final class Pruner {
    public static final String PRUNE_ANNOTATION = "capstan.dev/prune";

    private final KubernetesClient client;
    private final WriteFence fence;
    /** The install whose objects this pruner may delete (and those of no named install). */
    private final String install;

    public Pruner(KubernetesClient client, WriteFence fence, String install) {
        this.client = client;
        this.fence = fence;
        this.install = install;
    }

    /** Deletes {@code candidates} that are not in {@code keep} and pass the guards; returns the deleted keys. */
    public List<ObjectKey> prune(String chart, String env, Collection<ObjectKey> keepKeys,
                                 Collection<ObjectKey> candidates) {
        Set<ObjectKey> keep = Set.copyOf(keepKeys);
        List<ObjectKey> deleted = new ArrayList<>();
        if (keep.isEmpty()) {
            return deleted;
        }
        for (ObjectKey key : candidates) {
            if (!keep.contains(key) && deleteIfOwned(key, chart, env)) {
                deleted.add(key);
            }
        }
        return deleted;
    }

    /**
     * Deletes every one of {@code leftovers} of a unit that left the repository, with the same guards (the unit's
     * labels, no Namespace, no {@value #PRUNE_ANNOTATION}{@code : disabled}). Returns the deleted keys.
     */
    public List<ObjectKey> pruneRemoved(String chart, String env, Collection<ObjectKey> leftovers) {
        List<ObjectKey> deleted = new ArrayList<>();
        for (ObjectKey key : leftovers) {
            if (deleteIfOwned(key, chart, env)) {
                deleted.add(key);
            }
        }
        return deleted;
    }

    /** Deletes {@code key} if it passes the guards; true if it did. */
    private boolean deleteIfOwned(ObjectKey key, String chart, String env) {
        if ("Namespace".equals(key.kind())) {
            return false;
        }
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        var resource = key.namespace().isEmpty() ? operation.withName(key.name())
                : operation.inNamespace(key.namespace()).withName(key.name());
        GenericKubernetesResource live = resource.get();
        if (live == null || !mayPrune(live, chart, env)) {
            return false;
        }
        fence.check();
        resource.withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        return true;
    }

    /** Whether the object at {@code key}, as {@code live} caches it, exists and may be pruned for the unit. */
    public boolean mayPrune(LiveState live, ObjectKey key, String chart, String env) {
        return live.get(key).filter(object -> mayPrune(object, chart, env)).isPresent();
    }

    /** Whether {@code live} is unit {@code chart/env}'s of this pruner's install, and may go. */
    public boolean mayPrune(GenericKubernetesResource live, String chart, String env) {
        return Labels.ofInstall(live.getMetadata().getLabels(), install) && mayPruneAnyInstalls(live, chart, env);
    }

    private static boolean mayPruneAnyInstalls(GenericKubernetesResource live, String chart, String env) {
        Map<String, String> labels = live.getMetadata().getLabels();
        Map<String, String> annotations = live.getMetadata().getAnnotations();
        if (labels == null || !Labels.MANAGER.equals(labels.get(Labels.MANAGED_BY))
                || !chart.equals(labels.get(Labels.CHART))
                || !env.equals(labels.get(Labels.ENV)) || labels.containsKey(Labels.TRACK)) {
            return false;
        }
        // Helm's "keep" resource policy means the same to a Helm chart's user as capstan.dev/prune: disabled.
        return annotations == null || !"disabled".equals(annotations.get(PRUNE_ANNOTATION))
                && !"keep".equals(annotations.get("helm.sh/resource-policy"));
    }
}
