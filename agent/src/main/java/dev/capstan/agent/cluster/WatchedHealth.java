package dev.capstan.agent.cluster;

import dev.capstan.agent.health.Health;
import dev.capstan.agent.health.LiveHealth;
import dev.capstan.agent.health.ResourceHealth;
import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Health of a rollout's objects from the informers Capstan already runs ({@link LiveState}) plus the pods of its
 * workloads ({@link WorkloadPods}), judged by {@link ResourceHealth}; gates wake on the informers' events. No request
 * per look: a gate costs the API server nothing while it waits. An object is judged only once the watch has seen
 * the version Capstan applied, so a gate never passes on the status of what it replaced.
 */
public final class WatchedHealth implements LiveHealth, AutoCloseable {
    private static final String TEMPLATE_HASH = "pod-template-hash";
    private static final Health NOT_SEEN = new Health.Progressing("applied, not seen by the watch yet");

    private final LiveState live;
    private final Wakeups wakeups = new Wakeups();
    private final WorkloadPods pods;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public WatchedHealth(KubernetesClient client, LiveState live) {
        this.live = live;
        this.pods = new WorkloadPods(client, namespace -> wakeups.signal(Wakeups.pods(namespace)));
        live.onAnyEvent((namespace, name) -> wakeups.signal(Wakeups.object(namespace, name)));
    }

    @Override
    public Map<ObjectKey, Health> assess(List<ObjectKey> keys, Map<ObjectKey, String> applied) {
        Map<ObjectKey, Health> result = new LinkedHashMap<>();
        for (ObjectKey key : keys) {
            if (ResourceHealth.needsLiveStatus(key.apiVersion(), key.kind())) {
                result.put(key, assess(key, applied.get(key)));
            }
        }
        return result;
    }

    private Health assess(ObjectKey key, String appliedVersion) {
        Optional<GenericKubernetesResource> cached = live.get(key);
        if (cached.isEmpty()) {
            return appliedVersion == null ? new Health.Progressing("not found") : NOT_SEEN;
        }
        GenericKubernetesResource workload = cached.get();
        if (appliedVersion != null && !LiveState.atLeast(workload.getMetadata().getResourceVersion(),
                appliedVersion)) {
            return NOT_SEEN;
        }
        Map<String, Object> object = asMap(workload);
        Health health = ResourceHealth.assess(key.apiVersion(), key.kind(), object);
        return ResourceHealth.judgedWithPods(key.apiVersion(), key.kind(), object)
                ? ResourceHealth.withPods(health, pods.current(key.kind(), workload)) : health;
    }

    /**
     * The {@code pod-template-hash} of the live Deployment's current ReplicaSet, from the informers (no request):
     * what tells its pods from those of a copy with the same labels.
     */
    public Optional<String> templateHash(ObjectKey deployment) {
        return live.get(deployment).flatMap(pods::currentReplicaSet)
                .map(rs -> rs.getMetadata().getLabels() == null ? null
                        : rs.getMetadata().getLabels().get(TEMPLATE_HASH));
    }

    @Override
    public Changes changes(List<ObjectKey> keys) {
        Set<String> topics = new HashSet<>();
        for (ObjectKey key : keys) {
            topics.add(Wakeups.object(key.namespace(), key.name()));
            if (ResourceHealth.mayBeJudgedWithPods(key.apiVersion(), key.kind())) {
                topics.add(Wakeups.pods(key.namespace()));
            }
        }
        return wakeups.register(topics);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource resource) {
        return serialization.convertValue(resource, Map.class);
    }

    @Override
    public void close() {
        pods.close();
    }
}
