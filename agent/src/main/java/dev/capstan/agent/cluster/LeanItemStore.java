package dev.capstan.agent.cluster;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * An informer's store that keeps objects without {@code metadata.managedFields}: at a thousand apps the managed
 * fields were the larger part of every cached object, and only the rare report of who changed a drifted field reads
 * them (with a GET of that one object). Objects are stripped in place, so event handlers see them stripped too.
 */
final class LeanItemStore extends BasicItemStore<GenericKubernetesResource> {
    LeanItemStore() {
        super(Cache::metaNamespaceKeyFunc);
    }

    @Override
    public GenericKubernetesResource put(String key, GenericKubernetesResource object) {
        if (object.getMetadata() != null) {
            object.getMetadata().setManagedFields(null);
        }
        return super.put(key, object);
    }
}
