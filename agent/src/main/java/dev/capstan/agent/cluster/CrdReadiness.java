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
            // Established comes before the API server's discovery serves the kind: a custom resource applied in
            // between fails with "could not find the metadata" (seen on 1.35). Wait for both.
            while (!established(crd.key()) || !served(crd)) {
                if (System.nanoTime() > deadline) {
                    return Optional.of(new ApplyResult.Rejected(crd.key(), "not Established within "
                            + ESTABLISHED_WITHIN.toSeconds() + "s"));
                }
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        }
        return Optional.empty();
    }

    /** Whether discovery lists the CRD's kind in every version it serves. */
    private boolean served(RenderedObject crd) {
        Optional<String> kind = definedKind(crd);
        if (kind.isEmpty()) {
            return true;
        }
        for (String apiVersion : servedApiVersions(crd)) {
            try {
                var resources = client.getApiResources(apiVersion);
                if (resources == null || resources.getResources().stream()
                        .noneMatch(r -> kind.get().equals(r.getKind()))) {
                    return false;
                }
            } catch (KubernetesClientException e) {
                return false;
            }
        }
        return true;
    }

    /** The kind a CRD defines, from {@code spec.names.kind}. Pure. */
    static Optional<String> definedKind(RenderedObject crd) {
        return crd.content().get("spec") instanceof Map<?, ?> spec && spec.get("names") instanceof Map<?, ?> names
                && names.get("kind") instanceof String kind ? Optional.of(kind) : Optional.empty();
    }

    /** {@code group/version} of each version the CRD serves. Pure. */
    static List<String> servedApiVersions(RenderedObject crd) {
        if (!(crd.content().get("spec") instanceof Map<?, ?> spec) || !(spec.get("versions") instanceof List<?> all)) {
            return List.of();
        }
        return all.stream().filter(v -> v instanceof Map<?, ?> m && !Boolean.FALSE.equals(m.get("served"))
                && m.get("name") != null).map(v -> spec.get("group") + "/" + ((Map<?, ?>) v).get("name")).toList();
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
