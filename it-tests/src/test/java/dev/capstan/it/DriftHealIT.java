package dev.capstan.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.capstan.agent.Agent;
import dev.capstan.agent.drift.ObjectVerdict;
import dev.capstan.agent.drift.UnitDrift;
import dev.capstan.agent.release.Release;
import dev.capstan.testcluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Drift is corrected (issue 14): a hand edit or a deletion is healed from the deployed release without a new
 * revision and recorded on it; something that keeps fighting is left alone after a few corrections; ignored objects
 * and fields, and environments in {@code drift: report}, are not touched.
 */
@KubernetesCluster
class DriftHealIT {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path temp;

    @Test
    void aHandEditAndADeletionAreHealedAndRecordedWithoutANewRevision(TestNamespace ns, LocalCluster cluster,
                                                                      KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            awaitInSync(agent);

            client.apps().deployments().inNamespace(ns.name()).withName("web").edit(d -> {
                d.getSpec().setReplicas(5);
                return d;
            });
            await().atMost(WITHIN).until(() -> client.apps().deployments().inNamespace(ns.name()).withName("web")
                    .get().getSpec().getReplicas() == 2);
            client.configMaps().inNamespace(ns.name()).withName("web-config").delete();
            await().atMost(WITHIN).until(() -> client.configMaps().inNamespace(ns.name()).withName("web-config")
                    .get() != null);

            awaitInSync(agent);
            Release deployed = agent.status().releases().get("web/staging").get(0);
            assertThat(agent.status().releases().get("web/staging")).hasSize(1);
            assertThat(deployed.corrections()).hasSize(2);
            assertThat(deployed.corrections().get(0)).satisfies(c -> {
                assertThat(c.object()).isEqualTo("Deployment " + ns.name() + "/web");
                assertThat(c.fields()).containsExactly("spec.replicas");
                assertThat(c.changedBy()).isEqualTo("fabric8-kubernetes-client (Update)");
            });
            assertThat(deployed.corrections().get(1).fields()).containsExactly("(deleted)");
            assertThat(get(agent, "/metrics")).contains(
                    "capstan_drift_corrections_total{chart=\"web\",env=\"staging\"} 2.0");
            assertThat(get(agent, "/api/releases/web/staging")).contains("\"corrections\"", "spec.replicas");
            CapstanProcess.Result history = CapstanProcess.run("history", "web", "staging", "--namespace",
                    ns.name(), "--kubeconfig", cluster.kubeconfig().toString());
            assertThat(history.out().lines().skip(2).toList()).as(history.err()).satisfiesExactly(
                    line -> assertThat(line).contains("drift corrected", "Deployment " + ns.name() + "/web",
                            "spec.replicas", "(changed by fabric8-kubernetes-client (Update))"),
                    line -> assertThat(line).contains("drift corrected", "(deleted)"));
        }
    }

    /**
     * What {@code kubectl apply --server-side --force-conflicts} and {@code kubectl scale} do: another field manager
     * takes a field Capstan applied (server-side apply forcing the conflict; an update of the scale subresource).
     * Capstan no longer owns the field, yet it is drift: healed back, the correction naming that manager.
     */
    @Test
    void aFieldTakenOverByAnotherManagerIsDriftAndIsHealedNamingTheManager(TestNamespace ns, LocalCluster cluster,
                                                                          KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            awaitInSync(agent);

            client.apps().deployments().inNamespace(ns.name()).resource(new io.fabric8.kubernetes.api.model.apps
                    .DeploymentBuilder().withNewMetadata().withName("web").withNamespace(ns.name()).endMetadata()
                    .withNewSpec().withReplicas(4).endSpec().build()).fieldManager("kubectl").forceConflicts()
                    .serverSideApply();
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().releases().get("web/staging")
                    .get(0).corrections()).anySatisfy(c -> {
                        assertThat(c.fields()).containsExactly("spec.replicas");
                        assertThat(c.changedBy()).isEqualTo("kubectl (Apply)");
                    }));
            await().atMost(WITHIN).until(() -> client.apps().deployments().inNamespace(ns.name()).withName("web")
                    .get().getSpec().getReplicas() == 2);

            client.apps().deployments().inNamespace(ns.name()).withName("web").scale(6);
            await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().releases().get("web/staging")
                    .get(0).corrections()).hasSize(2));
            await().atMost(WITHIN).until(() -> client.apps().deployments().inNamespace(ns.name()).withName("web")
                    .get().getSpec().getReplicas() == 2);
            assertThat(agent.status().releases().get("web/staging")).as("no new revision").hasSize(1);
        }
    }

    @Test
    void somethingThatKeepsChangingAFieldIsLeftAloneAfterAFewCorrections(TestNamespace ns, LocalCluster cluster,
                                                                        KubernetesClient client) throws Exception {
        RolloutRepo repo = RolloutRepo.stagingOnly(temp.resolve("git"), ns, null);
        try (Agent agent = RolloutAgents.startSynced(repo, temp, cluster, ns)) {
            awaitInSync(agent);
            // Another controller that sets the field back every 200 ms.
            java.util.concurrent.ScheduledExecutorService fighter = java.util.concurrent.Executors
                    .newSingleThreadScheduledExecutor();
            fighter.scheduleWithFixedDelay(() -> {
                try {
                    client.configMaps().inNamespace(ns.name()).withName("web-config").edit(c -> {
                        c.getData().put("greeting", "mine");
                        return c;
                    });
                } catch (RuntimeException e) {
                    // a conflict with Capstan's write: the next round tries again
                }
            }, 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                await().atMost(WITHIN).untilAsserted(() -> assertThat(agent.status().drift().get("web/staging")
                        .reason()).contains("keeps being changed by fabric8-kubernetes-client",
                        "healing of it stopped"));
                assertThat(agent.status().releases().get("web/staging").get(0).corrections()).hasSize(3);
            } finally {
                fighter.shutdownNow();
                fighter.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThat(agent.status().drift().get("web/staging").state()).isEqualTo(UnitDrift.State.OutOfSync);
        }
    }

    @Test
    void ignoredObjectsAndFieldsAndReportOnlyEnvironmentsAreLeftAsTheyAre(TestNamespace ns, LocalCluster cluster,
                                                                         KubernetesClient client) {
        RolloutRepo repo = RolloutRepo.create(temp.resolve("git"), ns).stagingOnly();
        repo.git.write("capstan.yaml", repo.git.read("capstan.yaml") + """
                ignoreDifferences:
                  - {kind: Deployment, name: web, fields: [spec.replicas]}
                """);
        repo.git.write("charts/web/templates/configmap.yaml", repo.git.read("charts/web/templates/configmap.yaml")
                .replace("metadata:", "metadata:\n  annotations: {capstan.dev/drift: ignore}"));
        String first = repo.commit("replicas belong to someone else; the config map too");
        try (Agent agent = RolloutAgents.start(repo.git.url(), temp, cluster, ns)) {
            RolloutAgents.awaitSynced(agent, "web/staging", first);
            awaitInSync(agent);

            client.apps().deployments().inNamespace(ns.name()).withName("web").scale(3);
            client.configMaps().inNamespace(ns.name()).withName("web-config").edit(c -> {
                c.getData().put("greeting", "theirs");
                return c;
            });
            Instant edited = Instant.now();
            await().atMost(WITHIN).untilAsserted(() -> {
                UnitDrift drift = agent.status().drift().get("web/staging");
                assertThat(drift.checkedAt()).isAfter(edited.plusSeconds(1));
                assertThat(drift.state()).isEqualTo(UnitDrift.State.InSync);
            });
            assertThat(client.apps().deployments().inNamespace(ns.name()).withName("web").get().getSpec()
                    .getReplicas()).isEqualTo(3);
            assertThat(client.configMaps().inNamespace(ns.name()).withName("web-config").get().getData())
                    .containsEntry("greeting", "theirs");

            repo.git.write("capstan.yaml", repo.git.read("capstan.yaml").replace("    rollout:",
                    "    drift: report\n    rollout:"));
            String reporting = repo.commit("staging: report drift only");
            RolloutAgents.awaitSynced(agent, "web/staging", reporting);
            client.services().inNamespace(ns.name()).withName("web").edit(s -> {
                s.getSpec().getSelector().put("app.kubernetes.io/name", "someone-else");
                return s;
            });
            Instant changed = Instant.now();
            await().atMost(WITHIN).untilAsserted(() -> {
                UnitDrift drift = agent.status().drift().get("web/staging");
                assertThat(drift.checkedAt()).isAfter(changed.plusSeconds(1));
                assertThat(drift.objects()).filteredOn(ObjectVerdict.Modified.class::isInstance).singleElement()
                        .satisfies(v -> assertThat(v.key().kind()).isEqualTo("Service"));
            });
            assertThat(client.services().inNamespace(ns.name()).withName("web").get().getSpec().getSelector())
                    .containsEntry("app.kubernetes.io/name", "someone-else");
            assertThat(agent.status().releases().get("web/staging")).allSatisfy(r ->
                    assertThat(r.corrections()).isEmpty());
        }
    }

    private static void awaitInSync(Agent agent) {
        await().atMost(WITHIN).until(() -> agent.status().drift().get("web/staging") != null
                && agent.status().drift().get("web/staging").state() == UnitDrift.State.InSync);
    }

    private static String get(Agent agent, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + agent.httpPort() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
