package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Where drift reads live objects: informer caches in the agent, plain GETs in the CLI. */
public interface LiveLookup {

    Optional<GenericKubernetesResource> get(ObjectKey key);

    /** Whether {@link #get} answers the whole object of this kind (else a dry-run comparison reads it). */
    default boolean whole(String apiVersion, String kind) {
        return true;
    }

    /** Objects of these kinds ({@code apiVersion/kind}) labelled as managed by Capstan for this chart and env. */
    List<GenericKubernetesResource> managedBy(String chart, String env, Collection<String> kinds);
}
