package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Optional;

/**
 * The live Deployments a rollout replaces: their replicas read from the API server (once per changed Deployment and
 * rollout), their current pods' template hash from the informers the health gates run.
 */
public final class LiveStableDeployments implements StableDeployments {
    private final KubernetesClient client;
    private final WatchedHealth health;

    public LiveStableDeployments(KubernetesClient client, WatchedHealth health) {
        this.client = client;
        this.health = health;
    }

    @Override
    public Integer replicas(ObjectKey key) {
        try {
            Deployment live = client.apps().deployments().inNamespace(key.namespace()).withName(key.name()).get();
            return live == null || live.getSpec() == null ? null : live.getSpec().getReplicas();
        } catch (KubernetesClientException e) {
            return null;
        }
    }

    @Override
    public Optional<String> templateHash(ObjectKey key) {
        return health.templateHash(key);
    }
}
