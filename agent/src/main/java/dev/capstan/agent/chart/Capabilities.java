package dev.capstan.agent.chart;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the target cluster offers, visible to templates as {@code capabilities}: from API discovery when a cluster is
 * known, otherwise from {@link #offlineDefault()}.
 */
public record Capabilities(String kubeVersion, ApiVersions apiVersions) {

    /** The API surface of Kubernetes 1.20, the oldest version Capstan is tested against. */
    public static Capabilities offlineDefault() {
        return new Capabilities("v1.20.2", new ApiVersions(Set.of(
                "v1", "apps/v1", "batch/v1", "batch/v1beta1", "networking.k8s.io/v1", "policy/v1beta1",
                "autoscaling/v1", "autoscaling/v2beta2", "rbac.authorization.k8s.io/v1",
                "apiextensions.k8s.io/v1", "v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount",
                "apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "batch/v1/Job",
                "batch/v1beta1/CronJob", "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
                "policy/v1beta1/PodDisruptionBudget", "autoscaling/v1/HorizontalPodAutoscaler",
                "autoscaling/v2beta2/HorizontalPodAutoscaler")));
    }

    /** Changes whenever what templates can see changes: part of a unit's source, so it re-renders then. */
    public String fingerprint() {
        return Integer.toHexString((kubeVersion + apiVersions.sorted()).hashCode());
    }

    Map<String, Object> asTemplateContext() {
        return Map.of("kubeVersion", kubeVersion, "apiVersions", apiVersions);
    }

    /**
     * The API versions a cluster serves, as {@code group/version} and {@code group/version/Kind} strings. Templates
     * call {@code capabilities.apiVersions.has("policy/v1/PodDisruptionBudget")}: the only Java method a template may
     * call (see {@link SandboxedMethodAccess}).
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
