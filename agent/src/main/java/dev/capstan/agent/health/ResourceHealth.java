package dev.capstan.agent.health;

import static dev.capstan.agent.health.Status.condition;
import static dev.capstan.agent.health.Status.conditionIs;
import static dev.capstan.agent.health.Status.list;
import static dev.capstan.agent.health.Status.map;
import static dev.capstan.agent.health.Status.number;
import static dev.capstan.agent.health.Status.text;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Health of one live object from its status, by API group and kind, the way {@code kubectl rollout status}, Argo CD
 * and Flux's kstatus read it. Built-in workloads have their own rules; everything else, custom resources included,
 * follows kstatus's generic rules ({@code observedGeneration}, {@code Ready}/{@code Reconciling}/{@code Stalled}
 * conditions); an object with no status at all is healthy once it exists. An object being deleted is never
 * healthy. Pure.
 */
public final class ResourceHealth {
    /** Built-in kinds with no status to wait for: a gate does not need to read them back. */
    private static final Set<String> STATUSLESS = Set.of("/ConfigMap", "/Secret", "/ServiceAccount",
            "/LimitRange", "/ResourceQuota", "/Endpoints", "rbac.authorization.k8s.io/Role",
            "rbac.authorization.k8s.io/RoleBinding", "rbac.authorization.k8s.io/ClusterRole",
            "rbac.authorization.k8s.io/ClusterRoleBinding", "networking.k8s.io/NetworkPolicy",
            "networking.k8s.io/Ingress", "extensions/Ingress", "networking.k8s.io/IngressClass",
            "scheduling.k8s.io/PriorityClass", "storage.k8s.io/StorageClass", "node.k8s.io/RuntimeClass",
            "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
            "admissionregistration.k8s.io/MutatingWebhookConfiguration");

    private static final Health UNOBSERVED =
            new Health.Progressing("waiting for the controller to observe the new generation");

    /** Waiting reasons of a container that will not fix themselves. */
    private static final Set<String> STUCK_REASONS = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private ResourceHealth() {
    }

    /** Whether a gate must read the object back to judge it (false for built-ins that have no status). */
    public static boolean needsLiveStatus(String apiVersion, String kind) {
        return !STATUSLESS.contains(group(apiVersion) + "/" + kind);
    }

    public static Health assess(String apiVersion, String kind, Map<String, Object> object) {
        if (!text(map(object, "metadata"), "deletionTimestamp").isEmpty()) {
            return new Health.Progressing("being deleted");
        }
        return switch (group(apiVersion) + "/" + kind) {
            case "apps/Deployment", "extensions/Deployment" -> deployment(object);
            case "apps/StatefulSet" -> statefulSet(object);
            case "apps/DaemonSet", "extensions/DaemonSet" -> daemonSet(object);
            case "apps/ReplicaSet", "extensions/ReplicaSet" -> replicaSet(object);
            case "/Pod" -> pod(object);
            case "batch/Job" -> job(object);
            case "/PersistentVolumeClaim" -> claim(object);
            case "/Service" -> service(object);
            case "apiextensions.k8s.io/CustomResourceDefinition" -> definition(object);
            case "autoscaling/HorizontalPodAutoscaler" -> autoscaler(object);
            case "policy/PodDisruptionBudget" -> unobserved(object) ? UNOBSERVED : Health.healthy();
            case "apiregistration.k8s.io/APIService" -> conditionIs(object, "Available", "True") ? Health.healthy()
                    : new Health.Progressing("APIService not Available" + message(object, "Available"));
            default -> generic(object);
        };
    }

    /**
     * Whether the workload's current pods have a say ({@link #withPods}): apps workloads whose controller has observed
     * the newest spec (before that, "current" pods are the old spec's) and that want pods at all.
     */
    public static boolean judgedWithPods(String apiVersion, String kind, Map<String, Object> object) {
        if (!mayBeJudgedWithPods(apiVersion, kind) || unobserved(object)) {
            return false;
        }
        return switch (kind) {
            case "DaemonSet" -> true;
            case "Deployment", "StatefulSet", "ReplicaSet" -> number(map(object, "spec"), "replicas", 1) > 0;
            default -> false;
        };
    }

    /** Whether objects of this kind can have their pods judged (apps workloads), whatever their state. */
    public static boolean mayBeJudgedWithPods(String apiVersion, String kind) {
        return "apps".equals(group(apiVersion)) && Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
                .contains(kind);
    }

    /** The API group of {@code group/version}; empty for the core group ({@code v1}). */
    static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /**
     * A workload's health, corrected by its current pods: one pod stuck (CrashLoopBackOff, ImagePullBackOff...) is a
     * clear failure long before the controller's progress deadline says so; a Failed or Evicted pod is not (the
     * controller replaces it).
     */
    public static Health withPods(Health workload, List<Map<String, Object>> pods) {
        if (workload instanceof Health.Degraded) {
            return workload;
        }
        // Only a container stuck for good counts: a Failed or Evicted pod is the controller's to replace.
        for (Map<String, Object> pod : pods) {
            Optional<String> stuck = stuckContainer(map(pod, "status"));
            if (stuck.isPresent()) {
                return new Health.Degraded("pod " + Status.name(pod) + ": " + stuck.get());
            }
        }
        return workload;
    }

    private static Health deployment(Map<String, Object> d) {
        Map<String, Object> status = map(d, "status");
        if (unobserved(d)) {
            return UNOBSERVED;
        }
        if (condition(d, "Progressing").map(c -> "ProgressDeadlineExceeded".equals(text(c, "reason")))
                .orElse(false)) {
            return new Health.Degraded("ProgressDeadlineExceeded: " + condition(d, "Progressing")
                    .map(c -> text(c, "message")).orElse(""));
        }
        long replicas = number(map(d, "spec"), "replicas", 1);
        long updated = number(status, "updatedReplicas", 0);
        long total = number(status, "replicas", 0);
        if (total > updated && updated >= replicas) {
            return new Health.Progressing((total - updated) + " old replicas pending termination");
        }
        return behind(updated, replicas, "replicas updated")
                .or(() -> behind(number(status, "availableReplicas", 0), updated, "updated replicas available"))
                .orElse(Health.healthy());
    }

    private static Health statefulSet(Map<String, Object> s) {
        Map<String, Object> spec = map(s, "spec");
        Map<String, Object> status = map(s, "status");
        if (unobserved(s)) {
            return UNOBSERVED;
        }
        long replicas = number(spec, "replicas", 1);
        long partition = number(map(spec, "updateStrategy", "rollingUpdate"), "partition", 0);
        Optional<Health> notReady = behind(number(status, "readyReplicas", 0), replicas, "replicas ready");
        if (notReady.isPresent()) {
            return notReady.get();
        }
        long running = number(status, "replicas", replicas);
        if (running > replicas) {
            return new Health.Progressing((running - replicas) + " extra pods still running");
        }
        if ("OnDelete".equals(text(map(spec, "updateStrategy"), "type"))) {
            return Health.healthy();
        }
        return behind(number(status, "updatedReplicas", 0), replicas - partition, "replicas updated")
                .orElseGet(() -> partition == 0 && !text(status, "updateRevision")
                        .equals(text(status, "currentRevision"))
                        ? new Health.Progressing("waiting for the update revision to become current")
                        : Health.healthy());
    }

    private static Health daemonSet(Map<String, Object> d) {
        Map<String, Object> status = map(d, "status");
        long desired = number(status, "desiredNumberScheduled", 0);
        if (unobserved(d)) {
            return UNOBSERVED;
        }
        // OnDelete: pods change only when someone deletes them; waiting for "updated" would wait forever.
        boolean onDelete = "OnDelete".equals(text(map(d, "spec", "updateStrategy"), "type"));
        Optional<Health> notUpdated = onDelete ? Optional.empty()
                : behind(number(status, "updatedNumberScheduled", 0), desired, "pods updated");
        return notUpdated.or(() -> behind(number(status, "numberAvailable", 0), desired, "pods available"))
                .orElse(Health.healthy());
    }

    private static Health replicaSet(Map<String, Object> r) {
        if (unobserved(r)) {
            return UNOBSERVED;
        }
        if (conditionIs(r, "ReplicaFailure", "True")) {
            return new Health.Degraded("ReplicaFailure: " + condition(r, "ReplicaFailure")
                    .map(c -> text(c, "message")).orElse(""));
        }
        return behind(number(map(r, "status"), "availableReplicas", 0), number(map(r, "spec"), "replicas", 1),
                "replicas available").orElse(Health.healthy());
    }

    /** The controller has not yet acted on the newest spec: its status is about an older one. */
    public static boolean unobserved(Map<String, Object> object) {
        return number(map(object, "metadata"), "generation", 0) > number(map(object, "status"), "observedGeneration",
                -1);
    }

    /** Progressing while {@code have} is short of {@code want}: "{@code 1 of 3 replicas ready}". */
    private static Optional<Health> behind(long have, long want, String what) {
        return have < want ? Optional.of(new Health.Progressing(have + " of " + want + " " + what))
                : Optional.empty();
    }

    private static Health pod(Map<String, Object> p) {
        Map<String, Object> status = map(p, "status");
        String phase = text(status, "phase");
        Optional<String> stuck = stuckContainer(status);
        if (stuck.isPresent()) {
            return new Health.Degraded(stuck.get());
        }
        return switch (phase) {
            case "Succeeded" -> Health.healthy();
            case "Failed" -> new Health.Degraded("pod failed" + (text(status, "reason").isEmpty() ? ""
                    : ": " + text(status, "reason")));
            default -> conditionIs(p, "Ready", "True") ? Health.healthy()
                    : new Health.Progressing("pod " + (phase.isEmpty() ? "Pending" : phase) + ", not Ready");
        };
    }

    /** A container waiting for a reason that will not fix itself, described; empty if none. */
    private static Optional<String> stuckContainer(Map<String, Object> status) {
        for (String key : List.of("initContainerStatuses", "containerStatuses")) {
            for (Map<String, Object> container : list(status, key)) {
                Map<String, Object> waiting = map(container, "state", "waiting");
                String reason = text(waiting, "reason");
                if (STUCK_REASONS.contains(reason)) {
                    String message = text(waiting, "message");
                    return Optional.of("container " + text(container, "name") + " " + reason
                            + (message.isEmpty() ? "" : ": " + message)
                            + restarts(number(container, "restartCount", 0)));
                }
            }
        }
        return Optional.empty();
    }

    private static String restarts(long count) {
        return count > 0 ? " (" + count + " restarts)" : "";
    }

    private static Health job(Map<String, Object> j) {
        if (conditionIs(j, "Failed", "True")) {
            return new Health.Degraded("job failed: " + condition(j, "Failed").map(c -> text(c, "reason") + " "
                    + text(c, "message")).orElse("").strip());
        }
        if (conditionIs(j, "Complete", "True")) {
            return Health.healthy();
        }
        if (Boolean.TRUE.equals(map(j, "spec").get("suspend"))) {
            // Suspended on purpose: nothing will run until someone resumes it (kstatus: Current).
            return Health.healthy();
        }
        return new Health.Progressing("job running, " + number(map(j, "status"), "succeeded", 0) + " succeeded");
    }

    private static Health claim(Map<String, Object> c) {
        return switch (text(map(c, "status"), "phase")) {
            case "Bound" -> Health.healthy();
            case "Lost" -> new Health.Degraded("claim lost its volume");
            default -> new Health.Progressing("claim not bound yet");
        };
    }

    private static Health service(Map<String, Object> s) {
        if (!"LoadBalancer".equals(text(map(s, "spec"), "type"))) {
            return Health.healthy();
        }
        return list(map(s, "status", "loadBalancer"), "ingress").isEmpty()
                ? new Health.Progressing("waiting for a load balancer address") : Health.healthy();
    }

    private static Health definition(Map<String, Object> crd) {
        if (conditionIs(crd, "NamesAccepted", "False")) {
            return new Health.Degraded("names not accepted" + message(crd, "NamesAccepted"));
        }
        return conditionIs(crd, "Established", "True") ? Health.healthy()
                : new Health.Progressing("not Established yet" + message(crd, "Established"));
    }

    /**
     * An autoscaler that cannot scale its target (a missing target, no permission) is broken; one that has no
     * metrics yet is not, since metrics may simply not have been collected.
     */
    private static Health autoscaler(Map<String, Object> hpa) {
        return conditionIs(hpa, "AbleToScale", "False")
                ? new Health.Degraded("cannot scale" + message(hpa, "AbleToScale")) : Health.healthy();
    }

    /**
     * kstatus's rules for any kind it has no special knowledge of: a newer generation not yet observed, or
     * {@code Reconciling=True}, or {@code Ready=False} is in progress; {@code Stalled=True} is a failure; otherwise
     * (including no status at all) it is current.
     */
    private static Health generic(Map<String, Object> object) {
        Map<String, Object> status = map(object, "status");
        if (status.get("observedGeneration") instanceof Number observed
                && observed.longValue() < number(map(object, "metadata"), "generation", 0)) {
            return UNOBSERVED;
        }
        if (conditionIs(object, "Stalled", "True")) {
            return new Health.Degraded("Stalled" + message(object, "Stalled"));
        }
        if (conditionIs(object, "Reconciling", "True")) {
            return new Health.Progressing("Reconciling" + message(object, "Reconciling"));
        }
        if (conditionIs(object, "Ready", "False")) {
            return new Health.Progressing("not Ready" + message(object, "Ready"));
        }
        return Health.healthy();
    }

    /** ": reason: message" of a condition, or nothing. */
    private static String message(Map<String, Object> object, String type) {
        return condition(object, type).map(c -> {
            String reason = text(c, "reason");
            String message = text(c, "message");
            String both = (reason + (reason.isEmpty() || message.isEmpty() ? "" : ": ") + message).strip();
            return both.isEmpty() ? "" : ": " + both;
        }).orElse("");
    }
}
