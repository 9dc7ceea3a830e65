package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ObjectKey;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** The live Deployments a rollout replaces, read from the API server (once per changed Deployment and rollout). */
public final class LiveStableDeployments implements StableDeployments {
    static final String TEMPLATE_HASH = "pod-template-hash";
    private static final String REVISION = "deployment.kubernetes.io/revision";

    private final KubernetesClient client;

    public LiveStableDeployments(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Integer replicas(ObjectKey key) {
        try {
            Deployment live = get(key);
            return live == null || live.getSpec() == null ? null : live.getSpec().getReplicas();
        } catch (KubernetesClientException e) {
            return null;
        }
    }

    /** The hash of the ReplicaSet the Deployment owns at its own revision (its current pods). */
    @Override
    public Optional<String> templateHash(ObjectKey key) {
        try {
            Deployment live = get(key);
            if (live == null || live.getSpec() == null || live.getSpec().getSelector() == null) {
                return Optional.empty();
            }
            String revision = annotation(live, REVISION);
            return client.apps().replicaSets().inNamespace(key.namespace())
                    .withLabels(live.getSpec().getSelector().getMatchLabels()).list().getItems().stream()
                    .filter(rs -> ownedBy(rs, live) && revision != null && revision.equals(annotation(rs, REVISION)))
                    .map(rs -> rs.getMetadata().getLabels() == null ? null
                            : rs.getMetadata().getLabels().get(TEMPLATE_HASH))
                    .filter(Objects::nonNull).findFirst();
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }

    private Deployment get(ObjectKey key) {
        return client.apps().deployments().inNamespace(key.namespace()).withName(key.name()).get();
    }

    private static boolean ownedBy(ReplicaSet replicaSet, Deployment deployment) {
        return replicaSet.getMetadata().getOwnerReferences() != null && replicaSet.getMetadata().getOwnerReferences()
                .stream().anyMatch(o -> Objects.equals(o.getUid(), deployment.getMetadata().getUid()));
    }

    private static String annotation(HasMetadata object, String name) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }
}
