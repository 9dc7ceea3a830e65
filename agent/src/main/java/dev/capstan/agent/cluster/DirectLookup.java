package dev.capstan.agent.cluster;

import dev.capstan.agent.model.Labels;
import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Live objects by plain GET and label-selected LIST: for one-shot use ({@code capstan diff}), no informers. */
public final class DirectLookup implements LiveLookup {
    private final KubernetesClient client;

    public DirectLookup(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<GenericKubernetesResource> get(ObjectKey key) {
        var operation = client.genericKubernetesResources(key.apiVersion(), key.kind());
        var resource = key.namespace().isEmpty() ? operation.withName(key.name())
                : operation.inNamespace(key.namespace()).withName(key.name());
        return Optional.ofNullable(resource.get());
    }

    @Override
    public List<GenericKubernetesResource> managedBy(String chart, String env, Collection<String> kinds) {
        List<GenericKubernetesResource> result = new ArrayList<>();
        for (String kind : kinds) {
            int slash = kind.lastIndexOf('/');
            result.addAll(client.genericKubernetesResources(kind.substring(0, slash), kind.substring(slash + 1))
                    .inAnyNamespace()
                    .withLabel(Labels.MANAGED_BY, Labels.MANAGER)
                    .withLabel(Labels.CHART, chart)
                    .withLabel(Labels.ENV, env)
                    .list().getItems());
        }
        return result;
    }
}
