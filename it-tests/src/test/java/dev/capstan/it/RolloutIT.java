package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.release.Release;
import dev.capstan.agent.sync.UnitOutcome;
import dev.capstan.testcluster.GitHttpServer;
import dev.capstan.testcluster.LocalCluster;
import dev.capstan.testcluster.PrometheusServer;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Rollouts end to end on the real control plane, with the pod simulator as kubelet: canary then full, health gates
 * that fail (crash-looping canary, breakage after the full step), automatic rollback to the stored last good
 * release (also with git down), quarantine, and a server-rejected change that applies nothing.
 */
@KubernetesCluster
class RolloutIT {
    static final Duration ROLLOUT = Duration.ofSeconds(90);

    @TempDir
    Path temp;

    @Test
    void aGoodCommitGoesCanaryThenFullAndBecomesTheDeployedRelease(KubernetesClient client, TestNamespace ns,
                                                                     LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                DeploymentLog seen = DeploymentLog.watch(client, repo.staging)) {

            String second = repo.image("2", "web 2");
            RolloutAgents.awaitSynced(agent, "web/staging", second);

            assertThat(seen.replicas("web-canary")).as("one canary at 50% of 2 replicas").containsExactly(1);
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get()).isNull();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":2");
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 superseded", "2 deployed");
            assertThat(agent.metrics().get("capstan_rollouts_total").tag("outcome", "deployed").counter().count())
                    .isEqualTo(2);
        }
    }

    @Test
    void aCrashLoopingCanaryIsRemovedTheStableIsUntouchedAndTheCommitQuarantined(KubernetesClient client,
                                                                                  TestNamespace ns,
                                                                                  LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            long generation = client.apps().deployments().inNamespace(repo.staging).withName("web").get()
                    .getMetadata().getGeneration();

            String bad = repo.image("crashloop", "web: crash-looping image");
            UnitOutcome.Held held = RolloutAgents.awaitHeld(agent, "web/staging", bad);

            assertThat(held.hold()).isEqualTo(Release.Hold.QUARANTINED);
            assertThat(held.message()).contains("canary 50%").contains("CrashLoopBackOff");
            assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web-canary").get()).isNull();
            Deployment stable = client.apps().deployments().inNamespace(repo.staging).withName("web").get();
            assertThat(stable.getMetadata().getGeneration()).as("stable untouched").isEqualTo(generation);
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            Release failed = agent.status().releases().get("web/staging").get(1);
            assertThat(failed.status()).isEqualTo(Release.Status.FAILED);
            assertThat(failed.hold()).isEqualTo(Release.Hold.QUARANTINED);
            assertThat(failed.failingChecks()).anySatisfy(signal -> assertThat(signal).contains("CrashLoopBackOff"));
            // Drift is measured against what the unit holds (revision 1), not the commit it refused.
            await().atMost(ROLLOUT).untilAsserted(() -> assertThat(agent.status().drift().get("web/staging"))
                    .satisfies(d -> {
                        assertThat(d.state()).isEqualTo(dev.capstan.agent.drift.UnitDrift.State.InSync);
                        assertThat(d.reason()).contains("held at commit", "quarantined",
                                bad.substring(0, 12) + " is not applied");
                    }));

            // A newer commit that does not touch the unit leaves the quarantine in place: no second attempt.
            repo.git.write("README.md", "docs only\n");
            String docs = repo.commit("docs");
            RolloutAgents.awaitHeld(agent, "web/staging", docs);
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");

            String fixed = repo.image("3", "web 3");
            RolloutAgents.awaitSynced(agent, "web/staging", fixed);
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 deployed");
        }
    }

    @Test
    void aCommitThatBreaksAfterTheFullStepIsRolledBackThenAFixDeploysNormally(KubernetesClient client,
                                                                                TestNamespace ns,
                                                                                LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: rolling, stepTimeout: 30s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {

            String bad = repo.image("imagepullbackoff", "web: an image that does not exist");
            RolloutAgents.awaitHeld(agent, "web/staging", bad);

            await().atMost(ROLLOUT).untilAsserted(() -> {
                assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
                assertThat(client.apps().deployments().inNamespace(repo.staging).withName("web").get().getStatus()
                        .getAvailableReplicas()).isEqualTo(2);
            });
            List<Release> history = agent.status().releases().get("web/staging");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 deployed");
            assertThat(history.get(2).rollbackTo()).isEqualTo(1);
            assertThat(history.get(2).commit()).isEqualTo(history.get(0).commit());
            assertThat(agent.metrics().get("capstan_rollback_seconds").timer().count()).isEqualTo(1);

            String fixed = repo.image("4", "web 4");
            RolloutAgents.awaitSynced(agent, "web/staging", fixed);
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":4");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 superseded", "4 deployed");
        }
    }

    @Test
    void aFixPushedWhileTheCanaryWaitsForItsGateEndsTheWaitAndRollsOutAtOnce(KubernetesClient client,
                                                                           TestNamespace ns, LocalCluster cluster) {
        // A step timeout of ten minutes: only the newer commit can end the canary's wait within the test.
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: canary, steps: [50, 100], stepTimeout: 600s}");
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            String stuck = repo.image("never-ready", "web 2: its canary never becomes ready");
            await().atMost(ROLLOUT).untilAsserted(() -> assertThat(agent.status().units().get("web/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Progressing.class, p -> {
                        assertThat(p.commit()).isEqualTo(stuck);
                        assertThat(p.phase()).contains("canary 50%");
                    }));
            await().atMost(ROLLOUT).until(() -> client.apps().deployments().inNamespace(repo.staging)
                    .withName("web-canary").get() != null);

            long pushed = System.nanoTime();
            String fix = repo.image("3", "web 3: the fix");
            await().atMost(ROLLOUT).until(() -> agent.status().releases().get("web/staging").size() == 3);
            long started = System.nanoTime();
            RolloutAgents.awaitSynced(agent, "web/staging", fix);
            LoggerFactory.getLogger(RolloutIT.class).info("fix pushed while the canary waited: its rollout started "
                    + "{} ms after the push", (started - pushed) / 1_000_000);

            List<Release> history = agent.status().releases().get("web/staging");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 deployed");
            assertThat(history.get(1).message()).isEqualTo("superseded by commit " + fix.substring(0, 12)
                    + " while step canary 50% waited for its gate; canary removed");
            assertThat(history.get(1).hold()).isEqualTo(Release.Hold.NONE);
            assertThat(agent.status().incidents()).isEmpty();
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":3");
        }
    }

    @Test
    void anObjectTheServerRejectsMeansNothingIsApplied(KubernetesClient client, TestNamespace ns,
                                                       LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns);
                DeploymentLog seen = DeploymentLog.watch(client, repo.staging)) {

            repo.git.write("charts/web/values.staging.yaml", "image: {tag: \"2\"}\ngreeting: changed\n");
            repo.git.write("charts/web/templates/broken.yaml", """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: web-broken}
                    spec:
                      ports: [{port: 70000}]
                    """);
            String bad = repo.commit("web 2 with a service the server rejects");

            await().atMost(ROLLOUT).untilAsserted(() -> assertThat(agent.status().units().get("web/staging"))
                    .isInstanceOfSatisfying(UnitOutcome.Failed.class, failed -> {
                        assertThat(failed.commit()).isEqualTo(bad);
                        assertThat(failed.stage()).isEqualTo(UnitOutcome.Stage.APPLY);
                        assertThat(failed.message()).contains("web-broken").contains("70000")
                                .contains("nothing was applied");
                    }));
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            assertThat(client.configMaps().inNamespace(repo.staging).withName("web-config").get().getData())
                    .containsEntry("greeting", "hello");
            assertThat(seen.names()).doesNotContain("web-canary");
            // Retried at every cycle (the cluster may change), recorded once.
            double cycles = agent.metrics().get("capstan_reconcile_cycle_seconds").timer().count();
            await().atMost(ROLLOUT).until(() -> agent.metrics().get("capstan_reconcile_cycle_seconds").timer()
                    .count() >= cycles + 3);
            assertThat(RolloutAgents.history(agent, "web/staging")).containsExactly("1 deployed", "2 failed");
        }
    }

    @Test
    void withGitDownTheRollbackStillHappensFromTheStoredManifests(KubernetesClient client, TestNamespace ns,
                                                                  LocalCluster cluster) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns,
                "    rollout: {strategy: rolling, stepTimeout: 6s}");
        try (GitHttpServer server = GitHttpServer.start(temp.resolve("git"));
                Agent agent = RolloutAgents.start(server.url("remote.git"), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "web/staging", repo.git.remoteHead());

            String bad = repo.image("never-ready", "web: never ready");
            await().atMost(ROLLOUT).until(() -> agent.status().units().get("web/staging")
                    instanceof UnitOutcome.Progressing p && p.commit().equals(bad));
            server.setDown(true);

            RolloutAgents.awaitHeld(agent, "web/staging", bad);
            await().atMost(ROLLOUT).untilAsserted(() -> assertThat(agent.status().repo().remote().name())
                    .isNotEqualTo("UP"));
            assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            assertThat(RolloutAgents.history(agent, "web/staging"))
                    .containsExactly("1 superseded", "2 failed", "3 deployed");
            assertThat(agent.status().releases().get("web/staging").get(1).failingChecks())
                    .anySatisfy(signal -> assertThat(signal).contains("not healthy within 6s"));
        }
    }

    @Test
    void whatTheChartNoLongerRendersIsPrunedOnceTheReleaseIsHealthy(KubernetesClient client, TestNamespace ns,
                                                                    LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            assertThat(client.configMaps().inNamespace(repo.staging).withName("web-config").get()).isNotNull();

            dev.capstan.testcluster.LocalGitRepo.git(repo.git.workTree(), "rm", "-q",
                    "charts/web/templates/configmap.yaml");
            String dropped = repo.commit("web: no config map");
            RolloutAgents.awaitSynced(agent, "web/staging", dropped);

            assertThat(client.configMaps().inNamespace(repo.staging).withName("web-config").get()).isNull();
            assertThat(client.namespaces().withName(repo.staging).get()).as("namespaces are never pruned")
                    .isNotNull();
            assertThat(agent.status().releases().get("web/staging").get(1).message()).contains("pruned 1");
        }
    }

    @Test
    void productionGetsACommitOnlyAfterStagingPassedIt(KubernetesClient client, TestNamespace ns,
                                                       LocalCluster cluster) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns);
        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "web/production", repo.git.remoteHead());

            repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml")
                    .replace("tag: \"1\"", "tag: \"2\""));
            String second = repo.commit("web 2 everywhere");
            RolloutAgents.awaitSynced(agent, "web/production", second);
            Release staging = agent.status().releases().get("web/staging").get(1);
            Release production = agent.status().releases().get("web/production").get(1);
            assertThat(production.startedAt()).as("production starts after staging is deployed")
                    .isAfterOrEqualTo(staging.updatedAt());

            repo.git.write("charts/web/values.yaml", repo.git.read("charts/web/values.yaml")
                    .replace("tag: \"2\"", "tag: \"crashloop\""));
            String bad = repo.commit("web: crash-looping everywhere");
            RolloutAgents.awaitHeld(agent, "web/staging", bad);
            await().atMost(ROLLOUT).untilAsserted(() -> assertThat(agent.status().units().get("web/production"))
                    .isInstanceOfSatisfying(UnitOutcome.Waiting.class, w -> assertThat(w.commit()).isEqualTo(bad)));
            assertThat(RolloutAgents.image(client, repo.production, "web")).endsWith(":2");
            assertThat(RolloutAgents.history(agent, "web/production")).containsExactly("1 superseded", "2 deployed");
        }
    }

    @Test
    void failingSmokeAndPrometheusChecksRollBack(KubernetesClient client, TestNamespace ns, LocalCluster cluster)
            throws Exception {
        try (CheckServer checks = CheckServer.start();
                PrometheusServer prometheus = PrometheusServer.start(temp.resolve("prometheus"),
                        List.of(checks.target()))) {
            String query = "max(shop_http_errors_ratio{service=\"web\"})";
            RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly().rollout("staging", """
                        rollout: {strategy: rolling, stepTimeout: 600s}
                        smoke: [{name: home, url: "%s/healthz", expectStatus: 200, successes: 2, interval: 100ms}]
                        prometheus: [{name: errors, url: "%s", query: 'max(shop_http_errors_ratio{service="web"})',
                                      max: 0.05}]
                    """.formatted(checks.url(), prometheus.url()));
            repo.commit("staging only, with checks");
            try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
                assertThat(checks.healthRequests()).isGreaterThanOrEqualTo(2);

                checks.healthStatus(500);
                String second = repo.image("2", "web 2 while the smoke check fails");
                RolloutAgents.awaitHeld(agent, "web/staging", second);
                // Decided by the smoke check's failureThreshold (3 by default), not by the 600 s step timeout.
                assertThat(agent.status().releases().get("web/staging").get(1).failingChecks())
                        .anySatisfy(s -> assertThat(s).contains("check home").contains("answered 500")
                                .endsWith("(3 answers in a row)"));
                assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");

                checks.healthStatus(200);
                checks.errorRate("0.5");
                await().atMost(Duration.ofSeconds(30)).until(() -> prometheus.value(query) == 0.5);
                String third = repo.image("3", "web 3 while the error rate is high");
                RolloutAgents.awaitHeld(agent, "web/staging", third);
                assertThat(agent.status().releases().get("web/staging").get(3).failingChecks())
                        .containsExactly("check errors: " + query + " = 0.5, above max 0.05");
                assertThat(RolloutAgents.image(client, repo.staging, "web")).endsWith(":1");
            }
        }
    }

    /** Every version of each Deployment seen in a namespace while it runs, by name. */
    static final class DeploymentLog implements AutoCloseable, Watcher<Deployment> {
        private final Map<String, List<Integer>> replicas = new ConcurrentHashMap<>();
        private Watch watch;

        static DeploymentLog watch(KubernetesClient client, String namespace) {
            DeploymentLog log = new DeploymentLog();
            log.watch = client.apps().deployments().inNamespace(namespace).watch(log);
            return log;
        }

        @Override
        public void eventReceived(Action action, Deployment deployment) {
            if (action == Action.ADDED || action == Action.MODIFIED) {
                replicas.compute(deployment.getMetadata().getName(), (name, seen) -> {
                    List<Integer> list = seen == null ? new java.util.concurrent.CopyOnWriteArrayList<>() : seen;
                    Integer wanted = deployment.getSpec().getReplicas();
                    if (!list.contains(wanted)) {
                        list.add(wanted);
                    }
                    return list;
                });
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            // The test ends the watch; nothing to recover.
        }

        java.util.Set<String> names() {
            return replicas.keySet();
        }

        List<Integer> replicas(String name) {
            return replicas.getOrDefault(name, List.of());
        }

        @Override
        public void close() {
            watch.close();
        }
    }
}
