package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The current pods of Capstan's workloads, from informers on ReplicaSets and Pods (indexed by owner), one pair per
 * namespace that has a gated workload with replicas, started the first time a gate needs it and kept. Pods carry the
 * labels of their template, not Capstan's, so they cannot share {@link LiveState}'s labelled informers.
 */
final class WorkloadPods implements AutoCloseable {
    private static final String OWNER = "owner";
    private static final String REVISION = "deployment.kubernetes.io/revision";

    private final KubernetesClient client;
    private final Consumer<String> changed;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private final Map<String, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();

    /** @param changed told the namespace of every ReplicaSet or Pod event, on the informer's thread */
    WorkloadPods(KubernetesClient client, Consumer<String> changed) {
        this.client = client;
        this.changed = changed;
    }

    /**
     * The pods of the workload's current generation: for a Deployment those of its ReplicaSet at the Deployment's
     * revision (old pods on their way out must not fail a fix), for the others those it owns. Blocking on first use
     * of a namespace only.
     */
    List<Map<String, Object>> current(String kind, GenericKubernetesResource workload) {
        String namespace = workload.getMetadata().getNamespace();
        String owner = workload.getMetadata().getUid();
        if ("Deployment".equals(kind)) {
            owner = currentReplicaSet(workload).map(rs -> rs.getMetadata().getUid()).orElse(null);
            if (owner == null) {
                return List.of();
            }
        }
        return owned(namespace, "v1", "Pod", owner).stream().map(this::asMap).toList();
    }

    /** The Deployment's ReplicaSet at the Deployment's own revision: the one its current pods belong to. */
    Optional<GenericKubernetesResource> currentReplicaSet(GenericKubernetesResource deployment) {
        String revision = annotation(deployment, REVISION);
        return owned(deployment.getMetadata().getNamespace(), "apps/v1", "ReplicaSet",
                deployment.getMetadata().getUid()).stream()
                .filter(rs -> Objects.equals(annotation(rs, REVISION), revision)).findFirst();
    }

    private List<GenericKubernetesResource> owned(String namespace, String apiVersion, String kind, String uid) {
        return informer(namespace, apiVersion, kind).getIndexer().byIndex(OWNER, uid);
    }

    private SharedIndexInformer<GenericKubernetesResource> informer(String namespace, String apiVersion,
                                                                    String kind) {
        return informers.computeIfAbsent(namespace + "/" + kind, ignored -> {
            SharedIndexInformer<GenericKubernetesResource> informer = client
                    .genericKubernetesResources(apiVersion, kind).inNamespace(namespace).runnableInformer(0);
            informer.addIndexers(Map.of(OWNER, object -> object.getMetadata().getOwnerReferences() == null
                    ? List.of() : object.getMetadata().getOwnerReferences().stream().map(OwnerReference::getUid)
                    .toList()));
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource object) {
                    changed.accept(namespace);
                }

                @Override
                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource now) {
                    changed.accept(namespace);
                }

                @Override
                public void onDelete(GenericKubernetesResource object, boolean unknownFinalState) {
                    changed.accept(namespace);
                }
            });
            return LiveState.started(informer, kind + "s in " + namespace, ClusterEndpoint.of(client));
        });
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource resource) {
        return serialization.convertValue(resource, Map.class);
    }

    private static String annotation(GenericKubernetesResource resource, String name) {
        Map<String, String> annotations = resource.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(name);
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::close);
        informers.clear();
    }
}
