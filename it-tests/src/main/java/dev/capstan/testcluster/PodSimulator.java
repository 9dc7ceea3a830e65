package dev.capstan.testcluster;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for the scheduler and a kubelet: registers one Node, binds every new pod to it, and drives each pod's
 * status according to its {@link SimulatedBehaviour}. With it the real Deployment controller computes availability,
 * and a rollout whose pods never get ready ends in {@code ProgressDeadlineExceeded}, as in production.
 */
public final class PodSimulator implements AutoCloseable {
    public static final String NODE_NAME = "capstan-sim-node";
    private static final java.time.Duration CRASH_INTERVAL = java.time.Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final ScheduledExecutorService executor;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Set<String> deleting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextIp = new AtomicInteger(2);
    private SharedIndexInformer<Pod> informer;

    private PodSimulator(KubernetesClient client) {
        this.client = client;
        this.executor = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "pod-simulator");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Registers the node and starts watching pods in every namespace. */
    public static PodSimulator start(KubernetesClient client) {
        PodSimulator simulator = new PodSimulator(client);
        simulator.registerNode();
        simulator.informer = client.pods().inAnyNamespace().inform(simulator.handler(), 0);
        return simulator;
    }

    private void registerNode() {
        Map<String, Quantity> capacity = Map.of("cpu", new Quantity("64"), "memory", new Quantity("256Gi"),
                "pods", new Quantity("1000"));
        // Nodes accept status on create, so the node is Ready at once; no node-lifecycle controller runs to taint it.
        client.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(NODE_NAME).addToLabels("kubernetes.io/hostname", NODE_NAME).endMetadata()
                .withNewStatus()
                .withCapacity(capacity).withAllocatable(capacity)
                .addNewCondition().withType("Ready").withStatus("True").withReason("KubeletReady")
                .withLastHeartbeatTime(now()).withLastTransitionTime(now()).endCondition()
                .addNewAddress().withType("InternalIP").withAddress("127.0.0.1").endAddress()
                .endStatus()
                .build()).createOr(existing -> existing.update());
    }

    private ResourceEventHandler<Pod> handler() {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                executor.execute(() -> handle(pod));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                executor.execute(() -> handle(newPod));
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                started.remove(pod.getMetadata().getUid());
                deleting.remove(pod.getMetadata().getUid());
            }
        };
    }

    private void handle(Pod pod) {
        String uid = pod.getMetadata().getUid();
        try {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                // No kubelet confirms termination, so finish the deletion as one would.
                if (deleting.add(uid)) {
                    pods(pod).withGracePeriod(0).delete();
                }
                return;
            }
            SimulatedBehaviour behaviour = SimulatedBehaviour.of(pod);
            if (pod.getSpec().getNodeName() == null) {
                if (behaviour == SimulatedBehaviour.PENDING) {
                    if (started.add(uid)) {
                        patchStatus(pod, new PodStatusBuilder().withPhase("Pending")
                                .withConditions(condition("PodScheduled", "False", "Unschedulable")).build());
                    }
                } else {
                    bind(pod);
                }
                return;
            }
            if (NODE_NAME.equals(pod.getSpec().getNodeName()) && started.add(uid)) {
                run(pod, behaviour);
            }
        } catch (KubernetesClientException e) {
            // The pod changed or went away under us: the informer delivers its newer state, handled then.
            started.remove(uid);
            deleting.remove(uid);
        }
    }

    private void bind(Pod pod) {
        client.bindings().inNamespace(pod.getMetadata().getNamespace()).resource(new BindingBuilder()
                .withNewMetadata().withName(pod.getMetadata().getName()).endMetadata()
                .withNewTarget().withKind("Node").withApiVersion("v1").withName(NODE_NAME).endTarget()
                .build()).create();
    }

    private void run(Pod pod, SimulatedBehaviour behaviour) {
        String podIp = "10.244.0." + (nextIp.getAndIncrement() % 250 + 2);
        if (sidecars(pod).stream().anyMatch(SimulatedBehaviour::sidecarCrashLoops)) {
            sidecarCrashLoop(pod, 1);
            return;
        }
        boolean runsToCompletion = !"Always".equals(pod.getSpec().getRestartPolicy());
        if (runsToCompletion && (behaviour == SimulatedBehaviour.READY || behaviour == SimulatedBehaviour.FAIL)) {
            patchStatus(pod, status(pod, podIp, false, 0, null));
            executor.schedule(() -> ifStillThere(pod, () -> patchStatus(pod, completed(pod, podIp,
                    behaviour == SimulatedBehaviour.READY))), SimulatedBehaviour.readyDelay(pod).toMillis(),
                    TimeUnit.MILLISECONDS);
            return;
        }
        switch (behaviour) {
            case READY -> {
                patchStatus(pod, status(pod, podIp, false, 0, null));
                executor.schedule(() -> ifStillThere(pod, () -> patchStatus(pod, status(pod, podIp, true, 0, null))),
                        SimulatedBehaviour.readyDelay(pod).toMillis(), TimeUnit.MILLISECONDS);
            }
            case NEVER_READY -> patchStatus(pod, status(pod, podIp, false, 0, null));
            case CRASHLOOP, FAIL -> crashLoop(pod, podIp, 1);
            case IMAGE_PULL_BACKOFF -> patchStatus(pod, new PodStatusBuilder(status(pod, null, false, 0,
                    "ImagePullBackOff")).withPhase("Pending").build());
            case PENDING -> { }
            default -> throw new IllegalStateException("unhandled behaviour " + behaviour);
        }
    }

    private void crashLoop(Pod pod, String podIp, int restarts) {
        patchStatus(pod, status(pod, podIp, false, restarts, "CrashLoopBackOff"));
        executor.schedule(() -> ifStillThere(pod, () -> crashLoop(pod, podIp, restarts + 1)),
                CRASH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * A native sidecar that crash-loops keeps the pod initializing, as the kubelet does: the main containers never
     * start, the pod is never Ready, and the sidecar's status says CrashLoopBackOff with its restarts.
     */
    private void sidecarCrashLoop(Pod pod, int restarts) {
        String time = now();
        List<ContainerStatus> init = sidecars(pod).stream().map(c -> {
            ContainerStatusBuilder status = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withImageID("sim://" + c.getImage()).withReady(false).withRestartCount(0);
            if (SimulatedBehaviour.sidecarCrashLoops(c)) {
                status.withStarted(false).withRestartCount(restarts).withNewState().withNewWaiting()
                        .withReason("CrashLoopBackOff").withMessage("simulated CrashLoopBackOff").endWaiting()
                        .endState().withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                        .withFinishedAt(time).endTerminated().endLastState();
            } else {
                status.withStarted(true).withNewState().withNewRunning().withStartedAt(time).endRunning().endState();
            }
            return status.build();
        }).toList();
        List<ContainerStatus> main = pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder()
                .withName(c.getName()).withImage(c.getImage()).withImageID("").withReady(false).withStarted(false)
                .withRestartCount(0).withNewState().withNewWaiting().withReason("PodInitializing").endWaiting()
                .endState().build()).toList();
        patchStatus(pod, new PodStatusBuilder().withPhase("Pending").withHostIP("127.0.0.1").withStartTime(time)
                .withConditions(condition("PodScheduled", "True", null),
                        condition("Initialized", "False", "ContainersNotInitialized"),
                        condition("ContainersReady", "False", "ContainersNotReady"),
                        condition("Ready", "False", "ContainersNotReady"))
                .withInitContainerStatuses(init).withContainerStatuses(main).build());
        executor.schedule(() -> ifStillThere(pod, () -> sidecarCrashLoop(pod, restarts + 1)),
                CRASH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The pod's native sidecars: init containers with {@code restartPolicy: Always}. */
    private static List<io.fabric8.kubernetes.api.model.Container> sidecars(Pod pod) {
        List<io.fabric8.kubernetes.api.model.Container> init = pod.getSpec().getInitContainers();
        return init == null ? List.of() : init.stream().filter(c -> "Always".equals(c.getRestartPolicy())).toList();
    }

    /**
     * Init containers as a kubelet reports them once the pod runs: a native sidecar running (ready with the pod),
     * any other init container terminated, Completed.
     */
    private static List<ContainerStatus> initStatuses(Pod pod, boolean ready) {
        String time = now();
        List<io.fabric8.kubernetes.api.model.Container> init = pod.getSpec().getInitContainers();
        return (init == null ? List.<io.fabric8.kubernetes.api.model.Container>of() : init).stream().map(c -> {
            ContainerStatusBuilder status = new ContainerStatusBuilder().withName(c.getName()).withImage(c.getImage())
                    .withImageID("sim://" + c.getImage()).withRestartCount(0);
            if ("Always".equals(c.getRestartPolicy())) {
                status.withReady(ready).withStarted(true).withNewState().withNewRunning().withStartedAt(time)
                        .endRunning().endState();
            } else {
                status.withReady(false).withStarted(false).withNewState().withNewTerminated().withExitCode(0)
                        .withReason("Completed").withFinishedAt(time).endTerminated().endState();
            }
            return status.build();
        }).toList();
    }

    private void ifStillThere(Pod pod, Runnable action) {
        if (started.contains(pod.getMetadata().getUid()) && !deleting.contains(pod.getMetadata().getUid())) {
            try {
                action.run();
            } catch (KubernetesClientException e) {
                started.remove(pod.getMetadata().getUid());
            }
        }
    }

    /** A run-to-completion pod's end: every container terminated with 0 (Succeeded) or 1 (Failed). */
    private static PodStatus completed(Pod pod, String podIp, boolean succeeded) {
        String time = now();
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream().map(c -> new ContainerStatusBuilder()
                .withName(c.getName()).withImage(c.getImage()).withImageID("sim://" + c.getImage())
                .withReady(false).withStarted(false).withRestartCount(0)
                .withNewState().withNewTerminated().withExitCode(succeeded ? 0 : 1)
                .withReason(succeeded ? "Completed" : "Error").withFinishedAt(time).endTerminated().endState()
                .build()).toList();
        return new PodStatusBuilder(status(pod, podIp, false, 0, null)).withPhase(succeeded ? "Succeeded" : "Failed")
                .withContainerStatuses(containers).build();
    }

    private static PodStatus status(Pod pod, String podIp, boolean ready, int restarts, String waitingReason) {
        String time = now();
        String readyText = ready ? "True" : "False";
        List<ContainerStatus> containers = pod.getSpec().getContainers().stream().map(c -> {
            ContainerStatusBuilder status = new ContainerStatusBuilder()
                    .withName(c.getName()).withImage(c.getImage()).withImageID("sim://" + c.getImage())
                    .withReady(ready).withStarted(waitingReason == null).withRestartCount(restarts);
            if (waitingReason != null) {
                status.withNewState().withNewWaiting().withReason(waitingReason)
                        .withMessage("simulated " + waitingReason).endWaiting().endState();
                if (restarts > 0) {
                    status.withNewLastState().withNewTerminated().withExitCode(1).withReason("Error")
                            .withFinishedAt(time).endTerminated().endLastState();
                }
            } else {
                status.withNewState().withNewRunning().withStartedAt(time).endRunning().endState();
            }
            return status.build();
        }).toList();
        return new PodStatusBuilder()
                .withPhase("Running")
                .withHostIP("127.0.0.1")
                .withPodIP(podIp)
                .withStartTime(time)
                .withConditions(
                        condition("PodScheduled", "True", null),
                        condition("Initialized", "True", null),
                        condition("ContainersReady", readyText, ready ? null : "ContainersNotReady"),
                        condition("Ready", readyText, ready ? null : "ContainersNotReady"))
                .withInitContainerStatuses(initStatuses(pod, ready))
                .withContainerStatuses(containers)
                .build();
    }

    private static PodCondition condition(String type, String status, String reason) {
        return new PodConditionBuilder().withType(type).withStatus(status).withReason(reason)
                .withLastTransitionTime(now()).build();
    }

    private void patchStatus(Pod pod, PodStatus status) {
        String patch = client.getKubernetesSerialization().asJson(Map.of("status", status));
        pods(pod).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    private io.fabric8.kubernetes.client.dsl.PodResource pods(Pod pod) {
        return client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName());
    }

    private static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        executor.shutdownNow();
    }
}
