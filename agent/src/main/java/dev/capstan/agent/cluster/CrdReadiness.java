package dev.capstan.agent.cluster;

import dev.capstan.agent.model.ObjectKey;
import dev.capstan.agent.model.RenderedObject;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/** CustomResourceDefinitions of a change set: which kinds they define, and waiting until they are Established. */
final class CrdReadiness {
    private static final Duration ESTABLISHED_WITHIN = Duration.ofSeconds(60);

    private final KubernetesClient client;

    CrdReadiness(KubernetesClient client) {
        this.client = client;
    }

    /** {@code group/Kind} of every custom resource a CRD in {@code objects} defines. */
    static Set<String> definedKinds(List<RenderedObject> objects) {
        Set<String> kinds = new HashSet<>();
        for (RenderedObject object : objects) {
            if ("CustomResourceDefinition".equals(object.key().kind())
                    && object.content().get("spec") instanceof Map<?, ?> spec
                    && spec.get("names") instanceof Map<?, ?> names) {
                kinds.add(spec.get("group") + "/" + names.get("kind"));
            }
        }
        return kinds;
    }

    /** A custom resource whose CRD comes in the same set and is not served yet: no dry run is possible. */
    boolean awaitsDefinition(ObjectKey key, Set<String> definedHere) {
        if (!definedHere.contains(key.group() + "/" + key.kind())) {
            return false;
        }
        try {
            var resources = client.getApiResources(key.apiVersion());
            return resources == null || resources.getResources().stream()
                    .noneMatch(r -> key.kind().equals(r.getKind()));
        } catch (KubernetesClientException e) {
            return true;
        }
    }

    Optional<ApplyResult.Rejected> awaitEstablished(List<RenderedObject> crds) {
        long deadline = System.nanoTime() + ESTABLISHED_WITHIN.toNanos();
        for (RenderedObject crd : crds) {
            while (!established(crd.key())) {
                if (System.nanoTime() > deadline) {
                    return Optional.of(new ApplyResult.Rejected(crd.key(), "not Established within "
                            + ESTABLISHED_WITHIN.toSeconds() + "s"));
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }
        return Optional.empty();
    }

    private boolean established(ObjectKey key) {
        GenericKubernetesResource live = client.genericKubernetesResources(key.apiVersion(), key.kind())
                .withName(key.name()).get();
        if (live == null || !(live.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
                || !(status.get("conditions") instanceof List<?> conditions)) {
            return false;
        }
        return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m && "Established".equals(m.get("type"))
                && "True".equals(m.get("status")));
    }
}
