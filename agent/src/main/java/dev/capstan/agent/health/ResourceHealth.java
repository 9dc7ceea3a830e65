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
 * Health of one live object from its status, per kind, the way {@code kubectl rollout status}, Argo CD and Flux's
 * kstatus read it. Pure. Kinds without a status contract (ConfigMap, Secret, RBAC...) are healthy once they exist.
 */
public final class ResourceHealth {
    /** Kinds whose health depends on status written by a controller: the gate must read them live. */
    public static final Set<String> ASSESSED_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
            "Pod", "Job", "PersistentVolumeClaim", "Service");

    private static final Health UNOBSERVED =
            new Health.Progressing("waiting for the controller to observe the new generation");

    /** Waiting reasons of a container that will not fix themselves. */
    private static final Set<String> STUCK_REASONS = Set.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull",
            "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private ResourceHealth() {
    }

    public static Health assess(String kind, Map<String, Object> object) {
        return switch (kind) {
            case "Deployment" -> deployment(object);
            case "StatefulSet" -> statefulSet(object);
            case "DaemonSet" -> daemonSet(object);
            case "ReplicaSet" -> replicaSet(object);
            case "Pod" -> pod(object);
            case "Job" -> job(object);
            case "PersistentVolumeClaim" -> claim(object);
            case "Service" -> service(object);
            default -> Health.healthy();
        };
    }

    /**
     * A workload's health, corrected by its current pods: one pod stuck (CrashLoopBackOff, ImagePullBackOff...) is a
     * clear failure long before the controller's progress deadline says so.
     */
    public static Health withPods(Health workload, List<Map<String, Object>> pods) {
        if (workload instanceof Health.Degraded) {
            return workload;
        }
        for (Map<String, Object> pod : pods) {
            if (pod(pod) instanceof Health.Degraded degraded) {
                return new Health.Degraded("pod " + Status.name(pod) + ": " + degraded.reason());
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
        if (notReady.isPresent() || "OnDelete".equals(text(map(spec, "updateStrategy"), "type"))) {
            return notReady.orElse(Health.healthy());
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
        return unobserved(d) ? UNOBSERVED : behind(number(status, "updatedNumberScheduled", 0), desired,
                "pods updated").or(() -> behind(number(status, "numberAvailable", 0), desired, "pods available"))
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
        for (String key : List.of("initContainerStatuses", "containerStatuses")) {
            for (Map<String, Object> container : list(status, key)) {
                Map<String, Object> waiting = map(container, "state", "waiting");
                String reason = text(waiting, "reason");
                if (STUCK_REASONS.contains(reason)) {
                    String message = text(waiting, "message");
                    return new Health.Degraded("container " + text(container, "name") + " " + reason
                            + (message.isEmpty() ? "" : ": " + message)
                            + restarts(number(container, "restartCount", 0)));
                }
            }
        }
        return switch (phase) {
            case "Succeeded" -> Health.healthy();
            case "Failed" -> new Health.Degraded("pod failed" + (text(status, "reason").isEmpty() ? ""
                    : ": " + text(status, "reason")));
            default -> conditionIs(p, "Ready", "True") ? Health.healthy()
                    : new Health.Progressing("pod " + (phase.isEmpty() ? "Pending" : phase) + ", not Ready");
        };
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
}
