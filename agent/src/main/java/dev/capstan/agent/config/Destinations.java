package dev.capstan.agent.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where units may write, set by whoever runs the agent (its config, never git), as an Argo CD AppProject bounds its
 * applications: a commit that can change capstan.yaml can change an environment's namespace, so the bound cannot come
 * from the repository. Without a {@code destinations} section the agent is {@link #unrestricted} (and says so at
 * startup), as before.
 *
 * @param namespaces         per environment, the namespaces its units may write; an entry ending in {@code *}
 *                           matches by prefix. An environment not listed may write no namespaced object.
 * @param clusterResources   cluster-scoped kinds any unit may write, as {@code group/Kind} ({@code Kind} alone for
 *                           the core group: {@code Namespace}); {@code *} for every kind
 * @param replaceUnownedCrds whether a unit may apply a CustomResourceDefinition that exists in the cluster and is not
 *                           Capstan's (installed by hand, by Helm or by another tool)
 */
public record Destinations(boolean restricted, Map<String, List<String>> namespaces, Set<String> clusterResources,
                           boolean replaceUnownedCrds) {
    public Destinations {
        Map<String, List<String>> copy = new java.util.TreeMap<>();
        namespaces.forEach((env, list) -> copy.put(env, List.copyOf(list)));
        namespaces = java.util.Collections.unmodifiableMap(copy);
        clusterResources = Set.copyOf(clusterResources);
    }

    /** No bound beyond the agent's own namespace: every namespace, every cluster-scoped kind. */
    public static Destinations unrestricted() {
        return new Destinations(false, Map.of(), Set.of(), true);
    }

    /** The narrow default of a shipped install: CRDs (a chart's {@code crds/}) and Namespaces, nothing else. */
    public static final Set<String> SHIPPED_CLUSTER_RESOURCES =
            Set.of("apiextensions.k8s.io/CustomResourceDefinition", "Namespace");

    /** Whether {@code env}'s units may write into {@code namespace}. */
    public boolean allowsNamespace(String env, String namespace) {
        if (!restricted) {
            return true;
        }
        return namespaces.getOrDefault(env, List.of()).stream().anyMatch(p -> p.endsWith("*")
                ? namespace.startsWith(p.substring(0, p.length() - 1)) : p.equals(namespace));
    }

    /** Whether any unit may write cluster-scoped objects of {@code kind} in API group {@code group}. */
    public boolean allowsClusterResource(String group, String kind) {
        return !restricted || clusterResources.contains("*")
                || clusterResources.contains(group.isEmpty() ? kind : group + "/" + kind);
    }

    /** The namespaces {@code env} may write, as the config lists them (for messages). */
    public Optional<List<String>> namespacesOf(String env) {
        return Optional.ofNullable(namespaces.get(env));
    }
}
