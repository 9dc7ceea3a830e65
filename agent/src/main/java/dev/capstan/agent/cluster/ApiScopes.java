package dev.capstan.agent.cluster;

import dev.capstan.agent.model.KindOrder;
import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a kind lives in a namespace, as the API server says (discovery of its group version, kept a minute), so a
 * cluster-scoped custom kind given a namespace by a chart is still judged as cluster-scoped. A kind defined by a
 * CustomResourceDefinition of the same set is judged by that definition's {@code scope}; a kind the server does not
 * know (yet) by Capstan's list of built-in cluster-scoped kinds. Blocking.
 */
final class ApiScopes {
    private record Seen(Map<String, Boolean> namespacedByKind, Instant at) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Seen> byGroupVersion = new ConcurrentHashMap<>();

    ApiScopes(KubernetesClient client, Clock clock, Duration ttl) {
        this.client = client;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** Whether {@code key}'s kind is namespaced; {@code set}: the objects it is applied with (their CRDs). */
    boolean namespaced(ObjectKey key, List<RenderedObject> set) {
        Optional<Boolean> served = served(key.apiVersion(), key.kind());
        if (served.isPresent()) {
            return served.get();
        }
        Optional<Boolean> defined = definedIn(key, set);
        if (defined.isPresent()) {
            return defined.get();
        }
        return !KindOrder.isClusterScoped(key.kind());
    }

    private Optional<Boolean> served(String apiVersion, String kind) {
        Instant now = clock.instant();
        Seen seen = byGroupVersion.get(apiVersion);
        if (seen == null || now.isAfter(seen.at().plus(ttl)) || !seen.namespacedByKind().containsKey(kind)
                && now.isAfter(seen.at().plus(Duration.ofSeconds(2)))) {
            seen = new Seen(discover(apiVersion), now);
            byGroupVersion.put(apiVersion, seen);
        }
        return Optional.ofNullable(seen.namespacedByKind().get(kind));
    }

    private Map<String, Boolean> discover(String apiVersion) {
        try {
            APIResourceList resources = client.getApiResources(apiVersion);
            if (resources == null || resources.getResources() == null) {
                return Map.of();
            }
            Map<String, Boolean> kinds = new ConcurrentHashMap<>();
            for (APIResource resource : resources.getResources()) {
                if (!resource.getName().contains("/") && resource.getKind() != null) {
                    kinds.put(resource.getKind(), Boolean.TRUE.equals(resource.getNamespaced()));
                }
            }
            return kinds;
        } catch (KubernetesClientException e) {
            return Map.of();
        }
    }

    /** The scope a CustomResourceDefinition of {@code set} gives {@code key}'s kind. */
    private static Optional<Boolean> definedIn(ObjectKey key, List<RenderedObject> set) {
        String group = WritePolicy.group(key.apiVersion());
        for (RenderedObject object : set) {
            if (!"CustomResourceDefinition".equals(object.key().kind())
                    || !(object.content().get("spec") instanceof Map<?, ?> spec)
                    || !group.equals(spec.get("group")) || !(spec.get("names") instanceof Map<?, ?> names)
                    || !key.kind().equals(names.get("kind"))) {
                continue;
            }
            return Optional.of(!"Cluster".equals(spec.get("scope")));
        }
        return Optional.empty();
    }
}
