package dev.capstan.agent.model;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in API surface of each Kubernetes minor release: which {@code group/version} and
 * {@code group/version/Kind} a cluster of that version serves by default. Used when no cluster is asked
 * ({@code capstan render --kube-version 1.30.0}), so that a chart choosing between {@code policy/v1} and
 * {@code policy/v1beta1} chooses what that version really serves, as a live cluster's discovery would answer.
 * Compiled from the Kubernetes deprecated-API migration guide and release notes (GA and on-by-default beta APIs).
 */
public final class KubeApiSurface {
    /**
     * The Kubernetes releases Capstan supports, like Flux: the three newest minors. The whole test suite runs on the
     * newest; a compatibility set on the oldest (see {@code .ci/run}).
     */
    public static final String NEWEST_SUPPORTED = "v1.37.2";
    public static final String OLDEST_SUPPORTED = "v1.35.4";
    /** The oldest and newest minor releases the table describes; versions outside are answered as the nearest. */
    public static final int OLDEST_MINOR = 20;
    public static final int NEWEST_MINOR = 37;
    private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)(?:\\.(\\d+))?.*");
    private static final int NEVER = Integer.MAX_VALUE;

    /** A kind served at {@code groupVersion} from minor {@code since} until (not including) minor {@code until}. */
    private record Served(String groupVersion, String kind, int since, int until) {
    }

    private static final List<Served> TABLE = List.of(
            always("v1", "ConfigMap"), always("v1", "Secret"), always("v1", "Service"),
            always("v1", "ServiceAccount"), always("v1", "Pod"), always("v1", "Namespace"),
            always("v1", "PersistentVolumeClaim"), always("v1", "PersistentVolume"), always("v1", "Endpoints"),
            always("v1", "LimitRange"), always("v1", "ResourceQuota"), always("v1", "ReplicationController"),
            always("v1", "Event"), always("v1", "Node"), always("v1", "PodTemplate"),
            always("apps/v1", "Deployment"), always("apps/v1", "StatefulSet"), always("apps/v1", "DaemonSet"),
            always("apps/v1", "ReplicaSet"), always("apps/v1", "ControllerRevision"),
            always("batch/v1", "Job"), served("batch/v1", "CronJob", 21, NEVER),
            served("batch/v1beta1", "CronJob", 0, 25),
            always("autoscaling/v1", "HorizontalPodAutoscaler"),
            served("autoscaling/v2", "HorizontalPodAutoscaler", 23, NEVER),
            served("autoscaling/v2beta1", "HorizontalPodAutoscaler", 0, 25),
            served("autoscaling/v2beta2", "HorizontalPodAutoscaler", 0, 26),
            served("policy/v1", "PodDisruptionBudget", 21, NEVER),
            served("policy/v1beta1", "PodDisruptionBudget", 0, 25),
            served("policy/v1beta1", "PodSecurityPolicy", 0, 25),
            always("networking.k8s.io/v1", "Ingress"), always("networking.k8s.io/v1", "IngressClass"),
            always("networking.k8s.io/v1", "NetworkPolicy"),
            served("networking.k8s.io/v1", "IPAddress", 33, NEVER),
            served("networking.k8s.io/v1", "ServiceCIDR", 33, NEVER),
            served("networking.k8s.io/v1beta1", "Ingress", 0, 22),
            served("networking.k8s.io/v1beta1", "IngressClass", 0, 22),
            served("extensions/v1beta1", "Ingress", 0, 22),
            always("rbac.authorization.k8s.io/v1", "Role"), always("rbac.authorization.k8s.io/v1", "RoleBinding"),
            always("rbac.authorization.k8s.io/v1", "ClusterRole"),
            always("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
            served("rbac.authorization.k8s.io/v1beta1", "Role", 0, 22),
            served("rbac.authorization.k8s.io/v1beta1", "RoleBinding", 0, 22),
            served("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 0, 22),
            served("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 0, 22),
            always("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
            served("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 0, 22),
            always("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration"),
            always("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
            served("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", 30, NEVER),
            served("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", 30, NEVER),
            served("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 0, 22),
            served("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 0, 22),
            always("apiregistration.k8s.io/v1", "APIService"),
            served("apiregistration.k8s.io/v1beta1", "APIService", 0, 22),
            always("scheduling.k8s.io/v1", "PriorityClass"),
            served("scheduling.k8s.io/v1beta1", "PriorityClass", 0, 22),
            always("storage.k8s.io/v1", "StorageClass"), always("storage.k8s.io/v1", "VolumeAttachment"),
            always("storage.k8s.io/v1", "CSIDriver"), always("storage.k8s.io/v1", "CSINode"),
            served("storage.k8s.io/v1", "CSIStorageCapacity", 24, NEVER),
            served("storage.k8s.io/v1", "VolumeAttributesClass", 34, NEVER),
            served("storage.k8s.io/v1beta1", "StorageClass", 0, 22),
            served("storage.k8s.io/v1beta1", "CSIDriver", 0, 22),
            served("storage.k8s.io/v1beta1", "CSIStorageCapacity", 21, 27),
            always("coordination.k8s.io/v1", "Lease"), served("coordination.k8s.io/v1beta1", "Lease", 0, 22),
            always("certificates.k8s.io/v1", "CertificateSigningRequest"),
            served("certificates.k8s.io/v1beta1", "CertificateSigningRequest", 0, 22),
            served("discovery.k8s.io/v1", "EndpointSlice", 21, NEVER),
            served("discovery.k8s.io/v1beta1", "EndpointSlice", 0, 25),
            always("events.k8s.io/v1", "Event"), served("events.k8s.io/v1beta1", "Event", 0, 25),
            always("node.k8s.io/v1", "RuntimeClass"), served("node.k8s.io/v1beta1", "RuntimeClass", 0, 25),
            served("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", 29, NEVER),
            served("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", 29, NEVER),
            served("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 20, 26),
            served("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 23, 29),
            served("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 26, 32),
            served("resource.k8s.io/v1", "ResourceClaim", 34, NEVER),
            served("resource.k8s.io/v1", "DeviceClass", 34, NEVER),
            always("authentication.k8s.io/v1", "TokenReview"),
            always("authorization.k8s.io/v1", "SubjectAccessReview"));

    private KubeApiSurface() {
    }

    /**
     * The capabilities a cluster of {@code kubeVersion} ({@code 1.30}, {@code v1.30.2}, {@code 1.30.0-gke.1}) shows a
     * template: its version as given (with a leading {@code v}) and the API versions it serves by default.
     */
    public static Capabilities capabilities(String kubeVersion) {
        Matcher m = VERSION.matcher(kubeVersion.strip());
        if (!m.matches() || !m.group(1).equals("1")) {
            throw new IllegalArgumentException("not a Kubernetes version: '" + kubeVersion
                    + "' (expected 1.<minor>[.<patch>], e.g. 1.30.0)");
        }
        String full = kubeVersion.strip().startsWith("v") ? kubeVersion.strip() : "v" + kubeVersion.strip();
        if (m.group(3) == null) {
            full = "v1." + m.group(2) + ".0";
        }
        return new Capabilities(full, new Capabilities.ApiVersions(served(Integer.parseInt(m.group(2)))));
    }

    /** {@code group/version} and {@code group/version/Kind} served by default at Kubernetes 1.{@code minor}. */
    static Set<String> served(int minor) {
        int at = Math.max(OLDEST_MINOR, Math.min(NEWEST_MINOR, minor));
        Set<String> versions = new TreeSet<>();
        for (Served entry : TABLE) {
            if (entry.since() <= at && at < entry.until()) {
                versions.add(entry.groupVersion());
                versions.add(entry.groupVersion() + "/" + entry.kind());
            }
        }
        return versions;
    }

    private static Served always(String groupVersion, String kind) {
        return new Served(groupVersion, kind, 0, NEVER);
    }

    private static Served served(String groupVersion, String kind, int since, int until) {
        return new Served(groupVersion, kind, since, until);
    }
}
