package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ObjectKey;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.function.Function;

/** How many replicas a live Deployment runs now (an HPA may have scaled it); null when unknown. Blocking. */
public final class StableReplicas implements Function<ObjectKey, Integer> {
    private final KubernetesClient client;

    public StableReplicas(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Integer apply(ObjectKey key) {
        try {
            Deployment live = client.apps().deployments().inNamespace(key.namespace()).withName(key.name()).get();
            return live == null || live.getSpec() == null ? null : live.getSpec().getReplicas();
        } catch (KubernetesClientException e) {
            return null;
        }
    }
}
