package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ObjectKey;
import dev.capstan.agent.health.Health;
import dev.capstan.agent.health.ResourceHealth;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads the live status of a rollout's objects and assesses each one ({@link ResourceHealth}). Workloads are judged
 * with their current pods (for a Deployment, the pods of its newest ReplicaSet only, so old pods on their way out
 * do not fail a fix). Reads fresh from the API server, not from a cache: a gate must not pass on stale status.
 * Blocking.
 */
public final class HealthProbe {
    private static final Set<String> WITH_PODS = Set.of("apps/v1/Deployment", "apps/v1/StatefulSet",
            "apps/v1/DaemonSet", "apps/v1/ReplicaSet");
    private static final String REVISION = "deployment.kubernetes.io/revision";

    private final KubernetesClient client;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public HealthProbe(KubernetesClient client) {
        this.client = client;
    }

    /** Health of every key that can have a status (built-ins without one are healthy once applied). In order. */
    public Map<ObjectKey, Health> assess(List<ObjectKey> keys) {
        Map<ObjectKey, Health> result = new LinkedHashMap<>();
        for (ObjectKey key : keys) {
            if (ResourceHealth.needsLiveStatus(key.apiVersion(), key.kind())) {
                result.put(key, assess(key));
            }
        }
        return result;
    }

    Health assess(ObjectKey key) {
        GenericKubernetesResource live = get(key);
        if (live == null) {
            return new Health.Progressing("not found");
        }
        Map<String, Object> object = asMap(live);
        Health health = ResourceHealth.assess(key.apiVersion(), key.kind(), object);
        // Until the controller has observed the newest spec, "current" pods are those of the old one.
        if (!WITH_PODS.contains(key.apiVersion() + "/" + key.kind()) || ResourceHealth.unobserved(object)) {
            return health;
        }
        return ResourceHealth.withPods(health, currentPods(key, live));
    }

    private List<Map<String, Object>> currentPods(ObjectKey key, GenericKubernetesResource workload) {
        Map<String, String> selector = matchLabels(workload);
        if (selector.isEmpty()) {
            return List.of();
        }
        String ownerUid = workload.getMetadata().getUid();
        if ("Deployment".equals(key.kind())) {
            String revision = annotation(workload, REVISION);
            String deploymentUid = ownerUid;
            GenericKubernetesResource newest = client.genericKubernetesResources("apps/v1", "ReplicaSet")
                    .inNamespace(key.namespace()).withLabels(selector).list().getItems().stream()
                    .filter(rs -> ownedBy(rs, deploymentUid) && Objects.equals(annotation(rs, REVISION), revision))
                    .findFirst().orElse(null);
            if (newest == null) {
                return List.of();
            }
            ownerUid = newest.getMetadata().getUid();
            selector = matchLabels(newest);
        }
        String owner = ownerUid;
        return client.genericKubernetesResources("v1", "Pod").inNamespace(key.namespace()).withLabels(selector)
                .list().getItems().stream().filter(pod -> ownedBy(pod, owner)).map(this::asMap).toList();
    }

    private GenericKubernetesResource get(ObjectKey key) {
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        return key.namespace().isEmpty() ? operation.withName(key.name()).get()
                : operation.inNamespace(key.namespace()).withName(key.name()).get();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource resource) {
        return serialization.convertValue(resource, Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> matchLabels(GenericKubernetesResource workload) {
        Object spec = workload.getAdditionalProperties().get("spec");
        if (spec instanceof Map<?, ?> s && s.get("selector") instanceof Map<?, ?> sel
                && sel.get("matchLabels") instanceof Map<?, ?> labels) {
            return (Map<String, String>) labels;
        }
        return Map.of();
    }

    private static boolean ownedBy(GenericKubernetesResource resource, String uid) {
        List<OwnerReference> owners = resource.getMetadata().getOwnerReferences();
        return owners != null && owners.stream().anyMatch(o -> uid.equals(o.getUid()));
    }

    private static String annotation(GenericKubernetesResource resource, String name) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }
}
