package dev.capstan.agent.cluster;

import dev.capstan.agent.health.ResourceHealth;
import dev.capstan.agent.model.CompactTree;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An informer's store that keeps of each object what the agent reads from its cache, no more: the metadata without
 * {@code managedFields}, and for kinds with a status to wait for (health gates) the status and the spec without its
 * pod template. At a thousand apps the managed fields and the templates were most of every cached object. What
 * needs the whole object reads it once: the drift check's dry run ({@link #keepsWhole}), the "changed by" report.
 * Objects are stripped in place, so event handlers see them stripped too (they read metadata only), and what is kept
 * is read-only and compact ({@link CompactTree}): an object from the cache is copied before it is changed.
 */
final class LeanItemStore extends BasicItemStore<GenericKubernetesResource> {
    /** Kinds whose spec holds a pod (or job) template: health never reads it. */
    private static final Set<String> TEMPLATED = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "ReplicationController", "Job", "CronJob");

    /**
     * Kinds kept whole though they have no status: a ServiceAccount is tiny, and the token controller changes every
     * new one once, which would cost a read per account at the drift check that follows.
     */
    private static final Set<String> SMALL = Set.of("/ServiceAccount");

    LeanItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        strip(object);
        return super.put(key, object);
    }

    /** Whether the cache holds the whole object (but its managed fields) for this kind. */
    static boolean keepsWhole(String apiVersion, String kind) {
        return SMALL.contains(apiVersion.equals("v1") ? "/" + kind : apiVersion + "/" + kind)
                || ResourceHealth.needsLiveStatus(apiVersion, kind) && !TEMPLATED.contains(kind);
    }

    @SuppressWarnings("unchecked")
    static void strip(GenericKubernetesResource object) {
        ObjectMeta metadata = object.getMetadata();
        if (metadata != null) {
            metadata.setManagedFields(null);
            metadata.setLabels(compact(metadata.getLabels()));
            metadata.setAnnotations(compact(metadata.getAnnotations()));
            metadata.setAdditionalProperties(CompactTree.freeze(metadata.getAdditionalProperties()));
            metadata.setOwnerReferences(compact(metadata.getOwnerReferences()));
            metadata.setFinalizers(compact(metadata.getFinalizers()));
            metadata.setName(shared(metadata.getName()));
            metadata.setNamespace(shared(metadata.getNamespace()));
        }
        String apiVersion = object.getApiVersion() == null ? "" : object.getApiVersion();
        String kind = object.getKind() == null ? "" : object.getKind();
        Map<String, Object> rest = object.getAdditionalProperties();
        if (keepsWhole(apiVersion, kind)) {
            object.setAdditionalProperties(CompactTree.freeze(rest));
        } else if (!ResourceHealth.needsLiveStatus(apiVersion, kind)) {
            object.setAdditionalProperties(CompactTree.freeze(Map.of()));
        } else if (TEMPLATED.contains(kind) && rest != null && rest.get("spec") instanceof Map<?, ?> spec) {
            Map<String, Object> lean = new LinkedHashMap<>((Map<String, Object>) spec);
            lean.remove("template");
            lean.remove("jobTemplate");
            Map<String, Object> kept = new LinkedHashMap<>(rest);
            kept.put("spec", lean);
            object.setAdditionalProperties(CompactTree.freeze(kept));
        } else {
            object.setAdditionalProperties(CompactTree.freeze(rest));
        }
    }

    private static <T> List<T> compact(List<T> items) {
        if (items == null) {
            return null;
        }
        return items.isEmpty() ? List.of() : List.copyOf(items);
    }

    private static String shared(String text) {
        return text == null ? null : text.intern();
    }

    /** Labels and annotations, read-only and compact (their values are strings). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> compact(Map<String, String> entries) {
        return entries == null ? null : (Map<String, String>) (Map<String, ?>) CompactTree.freeze(entries);
    }
}
