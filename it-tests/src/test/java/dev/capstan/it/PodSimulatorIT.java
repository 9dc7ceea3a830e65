package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The simulator drives pods so that the real controllers compute availability and progress deadlines. */
@KubernetesCluster
class PodSimulatorIT {

    @Test
    void readyPodsMakeTheDeploymentAvailable(KubernetesClient client, TestNamespace ns) {
        client.apps().deployments().inNamespace(ns.name()).resource(deployment("web", "nginx:1.25", 2, 600)).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Deployment live = client.apps().deployments().inNamespace(ns.name()).withName("web").get();
            assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(2);
        });
        List<Pod> pods = client.pods().inNamespace(ns.name()).list().getItems();
        assertThat(pods).hasSize(2).allSatisfy(pod -> {
            assertThat(pod.getSpec().getNodeName()).isEqualTo("capstan-sim-node");
            assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
        });
    }

    @Test
    void crashLoopingPodsRestartAndTheRolloutMissesItsDeadline(KubernetesClient client, TestNamespace ns) {
        client.apps().deployments().inNamespace(ns.name())
                .resource(deployment("crasher", "shop/api:crashloop", 1, 3)).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Pod pod = pod(client, ns.name(), "crasher");
            assertThat(pod.getStatus().getContainerStatuses()).isNotEmpty();
            var status = pod.getStatus().getContainerStatuses().get(0);
            assertThat(status.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
            assertThat(status.getRestartCount()).isGreaterThanOrEqualTo(2);
        });
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() ->
                assertThat(progressing(client, ns.name(), "crasher"))
                        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded")));
    }

    @Test
    void failureModesFromImageTagOrAnnotation(KubernetesClient client, TestNamespace ns) {
        client.apps().deployments().inNamespace(ns.name()).resource(deployment("pull", "shop/api:imagepullbackoff", 1,
                600)).create();
        Deployment pending = deployment("stuck", "shop/api:1.0", 1, 600);
        pending.getSpec().getTemplate().getMetadata().getAnnotations().put("sim.capstan.dev/mode", "pending");
        client.apps().deployments().inNamespace(ns.name()).resource(pending).create();
        Deployment neverReady = deployment("slow", "shop/api:never-ready", 1, 600);
        client.apps().deployments().inNamespace(ns.name()).resource(neverReady).create();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Pod pull = pod(client, ns.name(), "pull");
            assertThat(pull.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(pull.getStatus().getContainerStatuses()).isNotEmpty();
            assertThat(pull.getStatus().getContainerStatuses().get(0).getState().getWaiting().getReason())
                    .isEqualTo("ImagePullBackOff");

            Pod stuck = pod(client, ns.name(), "stuck");
            assertThat(stuck.getSpec().getNodeName()).isNull();
            assertThat(stuck.getStatus().getConditions()).isNotNull().anySatisfy(c -> {
                assertThat(c.getType()).isEqualTo("PodScheduled");
                assertThat(c.getReason()).isEqualTo("Unschedulable");
            });

            Pod slow = pod(client, ns.name(), "slow");
            assertThat(slow.getStatus().getPhase()).isEqualTo("Running");
            assertThat(slow.getStatus().getContainerStatuses()).isNotEmpty();
            assertThat(slow.getStatus().getContainerStatuses().get(0).getReady()).isFalse();
        });
        Deployment slow = client.apps().deployments().inNamespace(ns.name()).withName("slow").get();
        assertThat(slow.getStatus().getAvailableReplicas()).isNull();
    }

    @Test
    void deletedPodsGoAwayWithoutAKubelet(KubernetesClient client, TestNamespace ns) {
        client.apps().deployments().inNamespace(ns.name()).resource(deployment("web", "nginx:1.25", 1, 600)).create();
        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(ns.name()).list().getItems()
                .stream().anyMatch(p -> "Running".equals(p.getStatus().getPhase())));

        client.apps().deployments().inNamespace(ns.name()).withName("web").delete();

        await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace(ns.name()).list().getItems()
                .isEmpty());
    }

    /** The one pod of a deployment; an assertion failure (so Awaitility retries) while it does not exist yet. */
    private static Pod pod(KubernetesClient client, String namespace, String app) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel("app", app).list().getItems();
        assertThat(pods).as("pods of " + app).hasSize(1);
        Pod pod = pods.get(0);
        assertThat(pod.getStatus()).isNotNull();
        return pod;
    }

    private static Optional<DeploymentCondition> progressing(KubernetesClient client, String ns, String name) {
        Deployment live = client.apps().deployments().inNamespace(ns).withName(name).get();
        if (live.getStatus() == null || live.getStatus().getConditions() == null) {
            return Optional.empty();
        }
        return live.getStatus().getConditions().stream().filter(c -> c.getType().equals("Progressing")).findFirst();
    }

    static Deployment deployment(String name, String image, int replicas, int progressDeadlineSeconds) {
        return new DeploymentBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withProgressDeadlineSeconds(progressDeadlineSeconds)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate()
                .withNewMetadata().addToLabels("app", name).withAnnotations(new java.util.HashMap<>()).endMetadata()
                .withNewSpec().addNewContainer().withName("main").withImage(image).endContainer().endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }
}
