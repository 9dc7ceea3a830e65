package dev.capstan.agent.cluster;

import dev.capstan.agent.chart.ChartRenderer;
import dev.capstan.agent.chart.DesiredState;
import dev.capstan.agent.chart.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashSet;
import java.util.Set;

/**
 * Server-side apply of a unit's objects with field manager {@code capstan}, in install order, all or nothing (a dry
 * run of the whole set comes first). Forces conflicts: git is the source of truth for every field Capstan renders.
 * Blocking: call from a worker thread.
 */
public final class ServerSideApplier {
    private final KubernetesClient client;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    public ServerSideApplier(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Applies every object, or none: the whole set is first server-side applied as a dry run, and if the server
     * rejects any object, nothing is applied (namespaces aside, which must exist for the dry run).
     */
    public ApplyResult apply(DesiredState desired) {
        Set<String> namespaces = new HashSet<>();
        for (RenderedObject object : desired.objects()) {
            String namespace = object.key().namespace();
            if (!namespace.isEmpty() && namespaces.add(namespace)) {
                try {
                    Namespaces.ensure(client, namespace);
                } catch (KubernetesClientException e) {
                    return new ApplyResult.Rejected(object.key(), "namespace " + namespace + ": " + describe(e));
                }
            }
        }
        for (RenderedObject object : desired.objects()) {
            try {
                target(object).dryRun().fieldManager(ChartRenderer.MANAGER).forceConflicts().serverSideApply();
            } catch (KubernetesClientException e) {
                return new ApplyResult.Rejected(object.key(), describe(e) + " (dry run: nothing was applied)");
            }
        }
        java.util.Map<dev.capstan.agent.chart.ObjectKey, String> versions = new java.util.HashMap<>();
        for (RenderedObject object : desired.objects()) {
            try {
                GenericKubernetesResource applied = target(object).fieldManager(ChartRenderer.MANAGER)
                        .forceConflicts().serverSideApply();
                versions.put(object.key(), applied.getMetadata().getResourceVersion());
            } catch (KubernetesClientException e) {
                return new ApplyResult.Rejected(object.key(), describe(e));
            }
        }
        return new ApplyResult.Applied(desired.objects().size(), versions);
    }

    private io.fabric8.kubernetes.client.dsl.Resource<GenericKubernetesResource> target(RenderedObject object) {
        GenericKubernetesResource resource = serialization.convertValue(
                NativeDefaults.apply(object.key().kind(), object.content()), GenericKubernetesResource.class);
        var operation = client.genericKubernetesResources(object.key().apiVersion(), object.key().kind());
        String namespace = object.key().namespace();
        return namespace.isEmpty() ? operation.resource(resource) : operation.inNamespace(namespace).resource(resource);
    }

    static String describe(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return e.getStatus().getMessage();
        }
        return e.getMessage();
    }
}
