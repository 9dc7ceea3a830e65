package dev.capstan.agent.model;

import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** Install order of kinds, as Helm uses it: what others depend on goes first; unknown kinds (custom resources) last. */
public final class KindOrder {
    private static final List<String> INSTALL_ORDER = List.of(
            "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
            "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
            "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
            "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
            "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
            "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService");

    /** Kinds that live outside any namespace; the renderer must not give them one. */
    private static final Set<String> CLUSTER_SCOPED = Set.of(
            "Namespace", "PriorityClass", "PodSecurityPolicy", "StorageClass", "PersistentVolume",
            "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding", "IngressClass", "APIService",
            "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "RuntimeClass", "CSIDriver", "Node");

    /** Install order, then namespace, then name: deterministic for identical input. */
    public static final Comparator<ObjectKey> INSTALL = Comparator
            .comparingInt((ObjectKey key) -> rank(key.kind()))
            .thenComparing(ObjectKey::kind)
            .thenComparing(ObjectKey::namespace)
            .thenComparing(ObjectKey::name);

    private KindOrder() {
    }

    public static int rank(String kind) {
        int index = INSTALL_ORDER.indexOf(kind);
        return index < 0 ? INSTALL_ORDER.size() : index;
    }

    public static boolean isClusterScoped(String kind) {
        return CLUSTER_SCOPED.contains(kind);
    }
}
