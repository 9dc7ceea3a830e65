package dev.capstan.agent.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the target cluster offers, visible to templates as {@code capabilities}: from API discovery when a cluster is
 * known, otherwise from {@link #offlineDefault()}.
 */
public record Capabilities(String kubeVersion, ApiVersions apiVersions) {

    /**
     * What a template sees when no cluster is asked and no {@code --kube-version} given: the newest Kubernetes release
     * Capstan supports and is tested on.
     */
    public static Capabilities offlineDefault() {
        return KubeApiSurface.capabilities(KubeApiSurface.NEWEST_SUPPORTED);
    }

    /** Changes whenever what templates can see changes: part of a unit's source, so it re-renders then. */
    public String fingerprint() {
        return Integer.toHexString((kubeVersion + apiVersions.sorted()).hashCode());
    }

    public Map<String, Object> asTemplateContext() {
        return Map.of("kubeVersion", kubeVersion, "apiVersions", apiVersions);
    }

    /**
     * The API versions a cluster serves, as {@code group/version} and {@code group/version/Kind} strings. Templates
     * call {@code capabilities.apiVersions.has("policy/v1/PodDisruptionBudget")}: the only Java method a template may
     * call (see {@code chart.SandboxedMethodAccess}).
     */
    public record ApiVersions(Set<String> versions) {
        public ApiVersions {
            versions = Set.copyOf(versions);
        }

        public boolean has(String apiVersion) {
            return versions.contains(apiVersion);
        }

        public List<String> sorted() {
            return versions.stream().sorted().toList();
        }
    }
}
