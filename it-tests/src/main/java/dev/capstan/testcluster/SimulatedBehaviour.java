package dev.capstan.testcluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * What the simulated kubelet does with a pod, chosen by the annotation {@value #MODE_ANNOTATION} or by the image tag
 * of the first container ({@code app:crashloop}). Default: Running and Ready after {@link #DEFAULT_READY_DELAY}; a pod
 * that runs to completion ({@code restartPolicy} Never or OnFailure, as a Job's) then ends Succeeded.
 */
public enum SimulatedBehaviour {
    /** Running, containers ready after the delay. */
    READY,
    /** Running, but the readiness probe never passes. */
    NEVER_READY,
    /** The container keeps crashing: waiting in CrashLoopBackOff with a rising restart count. */
    CRASHLOOP,
    /** The image cannot be pulled: Pending, waiting in ImagePullBackOff. */
    IMAGE_PULL_BACKOFF,
    /** Never scheduled: stays Pending with PodScheduled=False (Unschedulable). */
    PENDING,
    /** The container exits with 1: a run-to-completion pod (a Job's) ends Failed; any other crash-loops. */
    FAIL;

    public static final String MODE_ANNOTATION = "sim.capstan.dev/mode";
    public static final String READY_DELAY_ANNOTATION = "sim.capstan.dev/ready-after-ms";
    public static final Duration DEFAULT_READY_DELAY = Duration.ofMillis(300);

    static SimulatedBehaviour of(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String mode = annotations == null ? null : annotations.get(MODE_ANNOTATION);
        if (mode == null && !pod.getSpec().getContainers().isEmpty()) {
            mode = tagOf(pod.getSpec().getContainers().get(0));
        }
        return parse(mode);
    }

    /**
     * Whether a native sidecar (an init container with {@code restartPolicy: Always}) crash-loops: chosen by its own
     * image tag ({@code crashloop}), as the pod's behaviour is by its first container's.
     */
    static boolean sidecarCrashLoops(Container sidecar) {
        return parse(tagOf(sidecar)) == CRASHLOOP;
    }

    static Duration readyDelay(Pod pod) {
        Map<String, String> annotations = pod.getMetadata().getAnnotations();
        String value = annotations == null ? null : annotations.get(READY_DELAY_ANNOTATION);
        if (value == null) {
            return DEFAULT_READY_DELAY;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return DEFAULT_READY_DELAY;
        }
    }

    static SimulatedBehaviour parse(String mode) {
        if (mode == null) {
            return READY;
        }
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "never-ready", "neverready" -> NEVER_READY;
            case "crashloop", "crashloopbackoff" -> CRASHLOOP;
            case "imagepullbackoff", "image-pull-backoff" -> IMAGE_PULL_BACKOFF;
            case "pending" -> PENDING;
            case "fail" -> FAIL;
            default -> READY;
        };
    }

    private static String tagOf(Container container) {
        String image = container.getImage() == null ? "" : container.getImage();
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        return colon > slash ? image.substring(colon + 1) : null;
    }
}
