package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blue-green strategy end to end on the real control plane, with the pod simulator as kubelet and the cluster's
 * endpoints controller saying where each Service sends traffic: the new version tried beside the old one while the
 * Services select only the old pods, switched in one step, the old version kept for the delay and then scaled down;
 * a new version that fails before the switch never gets traffic; one that fails after it has the traffic back on the
 * old pods, which never stopped. At no moment do the two versions serve side by side.
 */
@KubernetesCluster
class BlueGreenIT {
    @TempDir
    Path temp;

    private static RolloutRepo repo(Path dir, TestNamespace ns, String rolloutAndChecks) {
        RolloutRepo repo = RolloutRepo.create(dir, ns).stagingOnly().rollout("staging", rolloutAndChecks);
        repo.commit("staging only, blue-green");
        return repo;
    }

    /**
     * Both pods of a version behind the Service: the Deployment can be available before the EndpointSlice controller
     * has published its second pod, and a test that remembered one pod would then see two.
     */
    private static boolean servesBothReplicasOf(TrafficLog traffic, String version) {
        return traffic.now().size() == 2 && traffic.versionsNow().equals(Set.of(version));
    }

    @Test
    void aGoodCommitIsTriedBesideTheOldThenSwitchedAndTheOldScaledDownAfterTheDelay(KubernetesClient client,
                                                                                      TestNamespace ns,
                                                                                      LocalCluster cluster) {
        RolloutRepo repo = repo(temp.resolve("git"), ns,
                "    rollout: {strategy: blueGreen, scaleDownDelay: 6s, previewService: true, stepTimeout: 30s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                TrafficLog traffic = TrafficLog.of(client, repo.staging, "web");
                TrafficLog preview = TrafficLog.of(client, repo.staging, "web-preview")) {
            // A PodDisruptionBudget on the app's labels: it counts both versions' pods while both run.
            client.policy().v1().podDisruptionBudget().inNamespace(repo.staging).resource(budget()).create();
            await().atMost(RolloutIT.ROLLOUT).until(() -> servesBothReplicasOf(traffic, "1"));
            Set<String> bluePods = traffic.now();

            String second = repo.image("2", "web 2");
            await().atMost(RolloutIT.ROLLOUT).until(() -> preview.versionsNow().equals(Set.of("2")));

            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().units()
                    .get("web/staging")).isInstanceOfSatisfying(UnitOutcome.Progressing.class, p -> assertThat(
                    p.phase()).isEqualTo("hold")));
            await().atMost(RolloutIT.ROLLOUT).until(() -> traffic.versionsNow().equals(Set.of("2")));
            assertThat(bluePods).as("the old pods run on during the delay").allSatisfy(pod -> assertThat(client.pods()
                    .inNamespace(repo.staging).withName(pod).get()).isNotNull());
            PodDisruptionBudget budget = client.policy().v1().podDisruptionBudget().inNamespace(repo.staging)
                    .withName("web").get();
            assertThat(budget.getStatus().getExpectedPods()).as("both versions' pods are protected").isEqualTo(4);

            RolloutAgents.awaitSynced(agent, "web/staging", second);
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-green").get()).isNull();
            assertThat(client.services().inNamespace(repo.staging).withName("web-preview").get()).isNull();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
            assertThat(client.services().inNamespace(repo.staging).withName("web").get().getSpec().getSelector())
                    .isEqualTo(Map.of("app.kubernetes.io/name", "web"));
            await().atMost(RolloutIT.ROLLOUT).until(() -> traffic.now().size() == 2
                    && traffic.versionsNow().equals(Set.of("2")));
            assertThat(traffic.versionHistory()).as("never both versions at once: %s", traffic)
                    .allSatisfy(versions -> assertThat(versions).hasSizeLessThanOrEqualTo(1))
                    .contains(Set.of("1"), Set.of("2"));
            assertThat(preview.firstServing("2")).as("the preview answered from green before the Service switched")
                    .isLessThan(traffic.firstServing("2"));
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 superseded", "2 deployed");
            assertThat(agent.status().drift().get("web/staging").state()).isEqualTo(UnitDrift.State.InSync);
        }
    }

    @Test
    void aNewVersionFailingBeforeTheSwitchIsRemovedWithoutEverGettingTraffic(KubernetesClient client,
                                                                              TestNamespace ns,
                                                                              LocalCluster cluster) {
        RolloutRepo repo = repo(temp.resolve("git"), ns,
                "    rollout: {strategy: blueGreen, scaleDownDelay: 30s, stepTimeout: 30s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                TrafficLog traffic = TrafficLog.of(client, repo.staging, "web")) {
            await().atMost(RolloutIT.ROLLOUT).until(() -> servesBothReplicasOf(traffic, "1"));
            Set<String> bluePods = traffic.now();

            String bad = repo.image("crashloop", "web: crash-looping image");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "web/staging", bad);

            assertThat(held.hold()).isEqualTo(Release.Hold.QUARANTINED);
            assertThat(held.message()).contains("step preview failed", "traffic never left revision 1",
                    "CrashLoopBackOff");
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-green").get()).isNull();
            assertThat(traffic.versionHistory()).as("%s", traffic).doesNotContain(Set.of("crashloop"))
                    .allSatisfy(versions -> assertThat(versions).doesNotContain("crashloop"));
            await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> {
                assertThat(traffic.now()).isEqualTo(bluePods);
                assertThat(client.services().inNamespace(repo.staging).withName("web").get().getSpec()
                        .getSelector()).as("the rendered selector again, once green is gone")
                        .isEqualTo(Map.of("app.kubernetes.io/name", "web"));
            });
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");
        }
    }

    @Test
    void aNewVersionFailingAfterTheSwitchHasTheTrafficBackOnTheOldPodsAtOnce(KubernetesClient client,
                                                                              TestNamespace ns,
                                                                              LocalCluster cluster)
            throws Exception {
        try (CheckServer checks = CheckServer.start()) {
            RolloutRepo repo = repo(temp.resolve("git"), ns, """
                        rollout: {strategy: blueGreen, scaleDownDelay: 60s, stepTimeout: 30s}
                        smoke: [{name: home, url: "%s/healthz", expectStatus: 200, successes: 1, interval: 100ms}]
                    """.formatted(checks.url()));
            try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                    TrafficLog traffic = TrafficLog.of(client, repo.staging, "web")) {
                await().atMost(RolloutIT.ROLLOUT).until(() -> servesBothReplicasOf(traffic, "1"));
                Set<String> bluePods = traffic.now();
                long generation = client.apps().deployments().inNamespace(repo.staging).withName("web").get()
                        .getMetadata().getGeneration();

                String bad = repo.image("2", "web 2: fails under traffic");
                await().atMost(RolloutIT.ROLLOUT).until(() -> traffic.versionsNow().equals(Set.of("2")));
                checks.healthStatus(500);
                UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "web/staging", bad);

                assertThat(held.message()).contains("traffic back on revision 1", "check home", "answered 500");
                await().atMost(RolloutIT.ROLLOUT).until(() -> traffic.now().equals(bluePods));
                assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web").get()
                        .getMetadata().getGeneration()).as("the old version was never touched")
                        .isEqualTo(generation);
                assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-green").get())
                        .isNull();
                assertThat(traffic.versionHistory()).as("%s", traffic)
                        .allSatisfy(versions -> assertThat(versions).hasSizeLessThanOrEqualTo(1))
                        .containsSubsequence(Set.of("1"), Set.of("2"), Set.of("1"));
                assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");
                assertThat(agent.metrics().get("capstan_traffic_back_seconds").timer().count()).isEqualTo(1);
                await().atMost(RolloutIT.ROLLOUT).untilAsserted(() -> assertThat(agent.status().incidents())
                        .singleElement().satisfies(incident -> {
                            assertThat(incident.impact()).contains("the Services went back to revision 1's pods, "
                                    + "which never stopped running");
                            assertThat(incident.status()).isEqualTo("resolved");
                        }));
                assertThat(agent.status().releases().get("web/staging").get(1).hold())
                        .isEqualTo(Release.Hold.QUARANTINED);
            }
        }
    }

    @Test
    void theNewVersionStartsAtTheReplicasAnAutoscalerGaveTheOldOne(KubernetesClient client, TestNamespace ns,
                                                                   LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly().rollout("staging",
                "    rollout: {strategy: blueGreen, scaleDownDelay: 1s, stepTimeout: 30s}");
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml")
                + "ignoreDifferences: [{kind: Deployment, fields: [spec.replicas]}]\n");
        repo.commit("staging only, blue-green, replicas left to the autoscaler");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                RolloutIT.DeploymentLog seen = RolloutIT.DeploymentLog.watch(client, repo.staging)) {
            // Below its minimum the controller scales at once, metrics or not.
            client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(repo.staging).resource(
                    new io.fabric8.kubernetes.api.model.autoscaling.v1.HorizontalPodAutoscalerBuilder()
                            .withNewMetadata().withName("web").endMetadata().withNewSpec().withMinReplicas(3)
                            .withMaxReplicas(5).withNewScaleTargetRef().withApiVersion("apps/v1")
                            .withKind("Deployment").withName("web").endScaleTargetRef().endSpec().build()).create();
            await().atMost(RolloutIT.ROLLOUT).until(() -> client.apps().deployments().inNamespace(repo.staging)
                    .withName("web").get().getSpec().getReplicas() == 3);

            String second = repo.image("2", "web 2");
            RolloutAgents.awaitSynced(agent, "web/staging", second);

            assertThat(seen.replicas("web-green")).as("green sized as the autoscaler sized the old version")
                    .containsExactly(3);
            assertThat(client.autoscaling().v1().horizontalPodAutoscalers().inNamespace(repo.staging)
                    .withName("web").get().getSpec().getScaleTargetRef().getName()).isEqualTo("web");
        }
    }

    private static PodDisruptionBudget budget() {
        return new PodDisruptionBudgetBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().withNewMinAvailable(1).withNewSelector()
                .withMatchLabels(Map.of("app.kubernetes.io/name", "web")).endSelector().endSpec().build();
    }
}
